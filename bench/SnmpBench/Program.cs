// Event -> trap on the wire latency of SnmpTrapSink: Publish() of an engine event until a UDP listener on loopback
// has the datagram (decoded, so a broken encoding does not count). Closed loop: one event in flight at a time.
// Then a burst, to show what the bounded queues do under overload.
//   dotnet run -c Release --project bench/SnmpBench [-- events]
using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Integrations.Snmp;
using HaApi.Integrations.Snmp.Protocol;
using HaApi.Integrations.Snmp.Usm;

int events = args.Length > 0 ? int.Parse(args[0]) : 2000;
const string EngineHex = "80007FD30462656E6368";
var v3User = new UsmUser("bench", SnmpSecurityLevel.AuthPriv, SnmpAuthProtocol.HmacSha1, "auth-pass-123", "priv-pass-456");

Console.WriteLine($"SnmpBench: {events} events per mode, {Environment.ProcessorCount} CPUs, load avg {LoadAverage()}");
await Measure("v2c trap", new Dictionary<string, string>(), bytes => SnmpV2cMessage.Decode(bytes, out _));
await Measure("v3 authPriv SHA+AES trap", new Dictionary<string, string>
{
    ["trap_version"] = "3", ["trap_v3_user"] = "bench", ["trap_v3_auth_passphrase"] = "auth-pass-123",
    ["trap_v3_priv_passphrase"] = "priv-pass-456",
}, bytes => SnmpV3Message.Decode(bytes, v3User).Pdu!);

async Task Measure(string mode, Dictionary<string, string> parameters, Func<byte[], SnmpPdu> decode)
{
    using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    listener.ReceiveBufferSize = 8 << 20; // the burst must be lost in our queues (counted), not in the kernel
    listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
    var alert = new Alert("bench", Alert.SnmpAgent,
        [new AlertRecipient("r", $"127.0.0.1:{port}", ImmutableSortedDictionary<string, string>.Empty)],
        AlertKinds.All, parameters.ToImmutableSortedDictionary(), [], TimeSpan.FromSeconds(30));
    await using var sink = new SnmpTrapSink([alert], new SnmpTrapSinkOptions { LocalEngineId = Convert.FromHexString(EngineHex) });
    var buffer = new byte[65535];
    var latencies = new double[events];

    for (int i = -100; i < events; i++) // the first 100 warm up the JIT
    {
        var started = Stopwatch.GetTimestamp();
        sink.Publish(new NodeMembershipChanged(DateTimeOffset.UtcNow, "bench", $"n{i}", 1, Member: false));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        int n = await listener.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var pdu = decode(buffer[..n]);
        if (((SnmpOctetString)pdu.VarBinds[2].Value).Text != $"n{i}") throw new InvalidOperationException("out of order");
        if (i >= 0) latencies[i] = elapsed.TotalMilliseconds;
    }
    Array.Sort(latencies);
    Console.WriteLine($"{mode,-26} latency ms: p50 {Pct(0.50):F3}  p99 {Pct(0.99):F3}  max {latencies[^1]:F3}");

    // Burst: publish as fast as possible while a receiver counts what arrives (until 1 s of silence).
    const int burst = 20_000;
    int received = 0;
    var receiving = Task.Run(async () =>
    {
        var b = new byte[65535];
        while (true)
        {
            using var idle = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try { await listener.ReceiveAsync(b, SocketFlags.None, idle.Token); received++; }
            catch (OperationCanceledException) { return; }
        }
    });
    var burstStart = Stopwatch.StartNew();
    for (int i = 0; i < burst; i++) sink.Publish(new NodeMembershipChanged(DateTimeOffset.UtcNow, "bench", "b", 1, true));
    var publishTime = burstStart.Elapsed;
    await receiving;
    var sendTime = burstStart.Elapsed - TimeSpan.FromSeconds(1);
    Console.WriteLine($"{mode,-26} burst of {burst}: Publish {publishTime.TotalMicroseconds / burst:F2} us/event, " +
                      $"received {received}, dropped at queues {sink.EventsDropped + sink.NotificationsDropped}, " +
                      $"{received / sendTime.TotalSeconds:F0} traps/s");

    double Pct(double p) => latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))];
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
