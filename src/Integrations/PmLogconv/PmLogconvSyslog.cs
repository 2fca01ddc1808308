using System.Net.Sockets;
using System.Text;

namespace HaApi.Integrations.PmLogconv;

/// <summary>
/// pm_logconv's output_logfacility: each converted line also goes to the local syslog socket with ident
/// "pm_logconv" and body "%7s: %s"; the priority follows the level (error → err, warning → warning, info → info).
/// Sending is best effort: a datagram that cannot be sent is counted, never retried, never blocking.
/// </summary>
public sealed class PmLogconvSyslog : IDisposable
{
    private static readonly Dictionary<string, int> Facilities = new(StringComparer.OrdinalIgnoreCase)
    {
        ["kern"] = 0, ["user"] = 1, ["mail"] = 2, ["daemon"] = 3, ["auth"] = 4, ["syslog"] = 5, ["lpr"] = 6, ["news"] = 7,
        ["uucp"] = 8, ["cron"] = 9, ["authpriv"] = 10, ["ftp"] = 11,
        ["local0"] = 16, ["local1"] = 17, ["local2"] = 18, ["local3"] = 19, ["local4"] = 20, ["local5"] = 21, ["local6"] = 22, ["local7"] = 23,
    };

    private readonly int _facility;
    private readonly string _socketPath;
    private Socket? _socket;
    private long _failures;

    public PmLogconvSyslog(string facility, string socketPath = "/dev/log")
    {
        if (!Facilities.TryGetValue(facility, out _facility))
            throw new ArgumentException($"Unknown syslog facility '{facility}'; use one of {string.Join(", ", Facilities.Keys)}.", nameof(facility));
        _socketPath = socketPath;
    }

    public long Failures => Interlocked.Read(ref _failures);

    public void Send(PmLogconvEntry entry)
    {
        var severity = entry.Level switch { "error" => 3, "warning" => 4, _ => 6 };
        // The local-socket form glibc's syslog(3) writes: "<PRI>Mmm dd hh:mm:ss ident: message".
        var timestamp = entry.Time.ToLocalTime().ToString("MMM dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        if (timestamp[4] == '0') timestamp = timestamp.Remove(4, 1).Insert(4, " ");
        var datagram = Encoding.UTF8.GetBytes($"<{_facility * 8 + severity}>{timestamp} pm_logconv: {entry.Level,7}: {entry.Message}");
        try
        {
            _socket ??= Connect();
            _socket.Send(datagram);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _failures);
            // syslogd restarted or the socket vanished: reconnect on the next line.
            _socket?.Dispose();
            _socket = null;
        }
    }

    private Socket Connect()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(_socketPath));
            // A stalled syslogd must not stall the log file: a full socket buffer fails the send instead.
            socket.Blocking = false;
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _socket?.Dispose();
}
