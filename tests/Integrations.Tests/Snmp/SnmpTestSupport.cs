using System.Collections.Immutable;
using System.Diagnostics;
using HaApi.Engine.Model;

namespace HaApi.Integrations.Tests.Snmp;

internal static class SnmpTestSupport
{
    /// <summary>The repository's mibs/ folder (shipped MIB files), found by walking up from the test binary.</summary>
    public static string MibDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "mibs");
                if (File.Exists(Path.Combine(candidate, "PACEMAKER-MIB.txt"))) return candidate;
            }
            throw new InvalidOperationException("mibs/PACEMAKER-MIB.txt not found above " + AppContext.BaseDirectory);
        }
    }

    public static Alert Alert(string recipient, IDictionary<string, string>? parameters = null, AlertKinds kinds = AlertKinds.All,
        ImmutableArray<string> selectAttributes = default, string id = "snmp") =>
        new(id, HaApi.Engine.Model.Alert.SnmpAgent,
            [new AlertRecipient(id + "-r", recipient, ImmutableSortedDictionary<string, string>.Empty)],
            kinds, (parameters ?? new Dictionary<string, string>()).ToImmutableSortedDictionary(),
            selectAttributes.IsDefault ? [] : selectAttributes, TimeSpan.FromSeconds(30));

    /// <summary>Polls (bounded) until the condition holds; fails with the description otherwise.</summary>
    public static void WaitUntil(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(5);
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > limit) throw new Xunit.Sdk.XunitException($"Timed out after {limit} waiting for {what}");
            Thread.Sleep(10);
        }
    }
}
