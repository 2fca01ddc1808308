namespace HaApi.Integrations.Snmp.Usm;

/// <summary>The USM security level of a message (RFC 3411 msgFlags bits auth and priv).</summary>
public enum SnmpSecurityLevel
{
    NoAuthNoPriv,
    AuthNoPriv,
    AuthPriv,
}
