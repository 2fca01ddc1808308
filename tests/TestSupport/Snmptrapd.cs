using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace HaApi.TestSupport;

/// <summary>One notification as the real snmptrapd printed it.</summary>
public sealed record ReceivedTrap(string Header, IReadOnlyList<(string Oid, string Value)> VarBinds)
{
    /// <summary>The printed value ("STRING: \"pm01\"", "INTEGER: 0" …) of the first varbind with this OID.</summary>
    public string? this[string oid] => VarBinds.FirstOrDefault(v => v.Oid == oid).Value;
}

/// <summary>
/// Runs net-snmp's real snmptrapd on a free loopback port with a private config and persistent dir, printing one
/// varbind per line. Disposing kills it and removes the temp dir, also when the test failed.
/// </summary>
public sealed partial class Snmptrapd : IDisposable
{
    public const string Binary = "/usr/sbin/snmptrapd";
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private Snmptrapd(string directory, int port, Process process, IPAddress address)
    {
        Address = address;
        Directory = directory;
        Port = port;
        _process = process;
    }

    public string Directory { get; }

    public int Port { get; }

    public IPAddress Address { get; }

    public IPEndPoint EndPoint => new(Address, Port);

    /// <summary>The receiver as an alert recipient value ("127.0.0.1:port" or "[::1]:port").</summary>
    public string Recipient => EndPoint.ToString();

    /// <summary>
    /// Starts snmptrapd. <paramref name="configLines"/> go into its snmptrapd.conf after the v2c "public"
    /// community lines (e.g. createUser lines). With <paramref name="mibDirectory"/> it loads PACEMAKER-MIB and
    /// HOST-RESOURCES-MIB from there and prints symbolic names; otherwise numeric OIDs with a leading dot.
    /// </summary>
    /// <param name="port">A fixed port (to restart a receiver in place); default a free one.</param>
    /// <param name="persistentDirectory">snmptrapd's SNMP_PERSISTENT_DIR (engine boots, engine id); default private.</param>
    /// <param name="ipv6">Listen on udp6:[::1] instead of 127.0.0.1.</param>
    /// <param name="listen">Listen on this IPv4 address instead of 127.0.0.1 (a test's own bridge, for traps from
    /// network namespaces).</param>
    public static Snmptrapd Start(IEnumerable<string>? configLines = null, string? mibDirectory = null, int? port = null,
        string? persistentDirectory = null, bool ipv6 = false, IPAddress? listen = null)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: install the Debian package 'snmptrapd' (scripts/test-deps.d/snmp.txt).");
        string dir = System.IO.Directory.CreateTempSubdirectory("haapi-snmptrapd-").FullName;
        File.WriteAllLines(Path.Combine(dir, "snmptrapd.conf"),
            ["disableAuthorization yes", "authCommunity log,net public", .. configLines ?? []]);

        // Free-port races with other tests are possible between probing and binding: retry with a new port.
        for (int attempt = 0; ; attempt++)
        {
            int listenPort = port ?? FreeUdpPort(ipv6);
            var psi = new ProcessStartInfo(Binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "-f", "-Lo", "-c", Path.Combine(dir, "snmptrapd.conf") }) psi.ArgumentList.Add(arg);
            if (persistentDirectory is null)
            {
                psi.ArgumentList.Add("-C"); // no other config files at all
            }
            else
            {
                // Read the persistent state (engine id, boots) as a restarted service would, but not /etc/snmp.
                string empty = System.IO.Directory.CreateDirectory(Path.Combine(dir, "confpath")).FullName;
                psi.Environment["SNMPCONFPATH"] = $"{empty}:{persistentDirectory}";
            }
            if (mibDirectory is null)
            {
                foreach (var arg in new[] { "-m", "", "-On" }) psi.ArgumentList.Add(arg);
            }
            else
            {
                foreach (var arg in new[] { "-M", mibDirectory, "-m", "PACEMAKER-MIB:HOST-RESOURCES-MIB" }) psi.ArgumentList.Add(arg);
            }
            psi.ArgumentList.Add("-F");
            psi.ArgumentList.Add("%B [%b]: trap %P\n%V\n%v\n");
            var address = ipv6 ? IPAddress.IPv6Loopback : listen ?? IPAddress.Loopback;
            psi.ArgumentList.Add(ipv6 ? $"udp6:[::1]:{listenPort}" : $"{address}:{listenPort}");
            psi.Environment["SNMP_PERSISTENT_DIR"] = persistentDirectory ?? Path.Combine(dir, "persist");
            psi.Environment["HOME"] = dir; // keep ~/.snmp out of the picture

            var process = Process.Start(psi)!;
            var trapd = new Snmptrapd(dir, listenPort, process, address);
            process.OutputDataReceived += (_, e) => trapd.Append(e.Data);
            process.ErrorDataReceived += (_, e) => trapd.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (trapd.WaitForOutput(s => s.Contains("NET-SNMP version"), TimeSpan.FromSeconds(5)) && !process.HasExited)
                return trapd;
            string output = trapd.Output;
            trapd.Dispose(keepDirectory: attempt < 2);
            if (attempt >= 2 || port is not null)
                throw new InvalidOperationException($"snmptrapd did not start on port {listenPort}:\n{output}");
        }
    }

    public string Output
    {
        get { lock (_gate) return _output.ToString(); }
    }

    /// <summary>Every notification printed so far.</summary>
    public IReadOnlyList<ReceivedTrap> Traps => Parse(Output);

    /// <summary>Waits (bounded) until <paramref name="count"/> notifications were printed.</summary>
    public IReadOnlyList<ReceivedTrap> WaitForTraps(int count, TimeSpan? timeout = null)
    {
        WaitForOutput(_ => Traps.Count >= count, timeout ?? TimeSpan.FromSeconds(5));
        var traps = Traps;
        if (traps.Count < count)
            throw new Xunit.Sdk.XunitException($"snmptrapd printed {traps.Count} notification(s), expected {count}. Output:\n{Output}");
        return traps;
    }

    public bool WaitForOutput(Func<string, bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (condition(Output)) return true;
            Thread.Sleep(20);
        }
        return condition(Output);
    }

    internal static IReadOnlyList<ReceivedTrap> Parse(string output)
    {
        var traps = new List<ReceivedTrap>();
        string? header = null;
        List<(string, string)>? varBinds = null;
        foreach (var line in output.Split('\n'))
        {
            if (HeaderLine().IsMatch(line))
            {
                if (header is not null) traps.Add(new ReceivedTrap(header, varBinds!));
                header = line;
                varBinds = [];
                continue;
            }
            if (header is null) continue;
            int eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (eq > 0) varBinds!.Add((line[..eq], line[(eq + 3)..].TrimEnd()));
        }
        if (header is not null) traps.Add(new ReceivedTrap(header, varBinds!));
        return traps;
    }

    [GeneratedRegex(@"\[UDP(/IPv6)?: .*\]: trap ")]
    private static partial Regex HeaderLine();

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_gate) _output.Append(line).Append('\n');
    }

    private static int FreeUdpPort(bool ipv6)
    {
        using var probe = new Socket(ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(ipv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Stops snmptrapd with SIGTERM so it saves its persistent state (engine boots), like a service stop.</summary>
    public void StopGracefully()
    {
        if (_process.HasExited) return;
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill", ["-TERM", _process.Id.ToString()]) { UseShellExecute = false })!;
        kill.WaitForExit(5000);
        if (!_process.WaitForExit(5000)) throw new Xunit.Sdk.XunitException("snmptrapd did not stop on SIGTERM within 5 s");
    }

    public void Dispose() => Dispose(keepDirectory: false);

    private void Dispose(bool keepDirectory)
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        if (!keepDirectory)
        {
            try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
        }
    }
}
