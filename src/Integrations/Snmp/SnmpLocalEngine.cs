using System.Diagnostics;
using System.Text;

namespace HaApi.Integrations.Snmp;

/// <summary>
/// Our own SNMP engine identity, authoritative for the traps we send (RFC 3414 §3.1.1: the sender of an
/// unacknowledged notification is authoritative). Receivers must know the id: snmptrapd's
/// <c>createUser -e 0x&lt;EngineIdHex&gt; …</c>.
/// </summary>
public sealed class SnmpLocalEngine
{
    /// <summary>Pacemaker's IANA enterprise number, used in generated engine ids.</summary>
    public const int EnterpriseNumber = 32723;

    private static readonly DateTimeOffset BootsEpoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();

    /// <param name="engineId">5–32 octets (RFC 3411 SnmpEngineID).</param>
    /// <param name="boots">snmpEngineBoots; null derives it from the wall clock (see remarks).</param>
    /// <remarks>
    /// HaApi persists no boot counter, yet a receiver that cached our (boots, time) rejects traps whose pair goes
    /// backwards (notInTimeWindow) after a restart. Seconds since 2020-01-01 at start-up only ever grow across
    /// restarts, fit an Integer32 until 2088, and restart the engine time at 0 as a real reboot does.
    /// </remarks>
    public SnmpLocalEngine(byte[] engineId, int? boots = null, TimeProvider? clock = null)
    {
        if (engineId.Length is < 5 or > 32) throw new ArgumentException("An SNMP engine id has 5 to 32 octets.", nameof(engineId));
        EngineId = engineId;
        long derived = ((clock ?? TimeProvider.System).GetUtcNow() - BootsEpoch).Ticks / TimeSpan.TicksPerSecond;
        Boots = boots ?? (int)Math.Clamp(derived, 1, int.MaxValue - 1);
    }

    public byte[] EngineId { get; }

    public string EngineIdHex => Convert.ToHexString(EngineId);

    public int Boots { get; }

    /// <summary>snmpEngineTime: seconds since this engine started.</summary>
    public int Time => (int)Math.Min(Stopwatch.GetElapsedTime(_startTimestamp).Ticks / TimeSpan.TicksPerSecond, int.MaxValue);

    /// <summary>RFC 3411 text-format engine id: 0x80 | enterprise, format 4, up to 27 octets of text.</summary>
    public static byte[] TextEngineId(string text)
    {
        byte[] body = Encoding.UTF8.GetBytes(text);
        if (body.Length == 0) throw new ArgumentException("Engine id text is empty.", nameof(text));
        if (body.Length > 27) body = body[..27];
        byte[] id = new byte[5 + body.Length];
        id[0] = 0x80;
        id[1] = (byte)(EnterpriseNumber >> 16);
        id[2] = (byte)((EnterpriseNumber >> 8) & 0xFF);
        id[3] = (byte)(EnterpriseNumber & 0xFF);
        id[4] = 4;
        body.CopyTo(id, 5);
        return id;
    }
}
