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

    /// <param name="TrapEngineId">Authoritative engine id for traps to this receiver; null uses the sender's own.</param>
    public sealed record V3(UsmUser User, byte[]? TrapEngineId = null) : SnmpSecurity
    {
        public override string ToString() => $"SNMPv3({User})";
    }
}
