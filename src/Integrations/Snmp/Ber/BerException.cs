namespace HaApi.Integrations.Snmp.Ber;

/// <summary>A received datagram is not valid BER/SNMP. Carries the offset so a capture can be checked by hand.</summary>
public sealed class BerException(string message, int offset) : Exception($"{message} (at byte {offset})")
{
    public int Offset { get; } = offset;
}
