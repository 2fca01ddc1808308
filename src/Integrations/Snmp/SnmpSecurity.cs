using HaApi.Integrations.Snmp.Usm;

namespace HaApi.Integrations.Snmp;

/// <summary>How a notification is secured: a v2c community or a v3 USM user. ToString never shows secrets.</summary>
public abstract record SnmpSecurity
{
    private SnmpSecurity() { }

    public sealed record V2c(string Community) : SnmpSecurity
    {
        public override string ToString() => "SNMPv2c(community=<redacted>)";
    }

    public sealed record V3(UsmUser User) : SnmpSecurity
    {
        public override string ToString() => $"SNMPv3({User})";
    }
}
