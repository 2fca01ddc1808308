namespace HaApi.Api.Tests.Deployment;

/// <summary>deploy/haapi.service.</summary>
public class SystemdUnitTests
{
    private const string Unit = "deploy/haapi.service";

    [Fact]
    public void Systemd_verifies_the_unit_without_a_complaint()
    {
        var directory = Directory.CreateTempSubdirectory("haapi-unit-").FullName;
        try
        {
            // verify also checks that ExecStart's program exists; haapi is not installed on a test machine.
            var text = RepositoryFiles.Read(Unit).Replace("ExecStart=/opt/haapi/haapi", "ExecStart=/bin/true");
            Assert.Contains("ExecStart=/bin/true", text);
            var copy = Path.Combine(directory, "haapi.service");
            File.WriteAllText(copy, text);

            var result = Tool.Run("systemd-analyze", ["verify", "--man=no", copy]);
            // Unknown keys and unparsable values are only warnings to systemd: any output is a failure here.
            Assert.True(result.ExitCode == 0 && result.Errors.Trim() == "" && result.Output.Trim() == "", $"systemd-analyze verify: {result}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Haapi_runs_with_corosync_restarts_on_failure_and_reads_etc_haapi()
    {
        var unit = Parse(RepositoryFiles.Read(Unit));
        Assert.Contains("corosync.service", Values(unit, "Unit", "Requires"));
        Assert.Contains("corosync.service", Values(unit, "Unit", "After"));
        Assert.Equal(["on-failure"], Values(unit, "Service", "Restart"));
        Assert.NotEmpty(Values(unit, "Service", "RestartSec"));
        Assert.True(long.Parse(Values(unit, "Service", "LimitNOFILE").Single()) >= 65536);
        Assert.Contains("HAAPI_CONFIG=/etc/haapi/haapi.json", Values(unit, "Service", "Environment"));
        Assert.Equal(["/opt/haapi/haapi"], Values(unit, "Service", "ExecStart"));
    }

    [Fact]
    public void Agents_keep_what_they_need_root_for()
    {
        var unit = Parse(RepositoryFiles.Read(Unit));
        Assert.Equal(["root"], Values(unit, "Service", "User"));
        // strict or full would make /var or /etc read-only for every agent haapi runs.
        Assert.Equal(["true"], Values(unit, "Service", "ProtectSystem"));
        Assert.Empty(Values(unit, "Service", "NoNewPrivileges"));
        Assert.Empty(Values(unit, "Service", "MemoryDenyWriteExecute"));
        // Restarting haapi must not kill the services its agents started.
        Assert.Equal(["process"], Values(unit, "Service", "KillMode"));
    }

    private static List<string> Values(Dictionary<(string Section, string Key), List<string>> unit, string section, string key) =>
        unit.GetValueOrDefault((section, key)) ?? [];

    private static Dictionary<(string Section, string Key), List<string>> Parse(string text)
    {
        var unit = new Dictionary<(string, string), List<string>>();
        var section = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line.StartsWith('[')) { section = line.Trim('[', ']'); continue; }
            var eq = line.IndexOf('=');
            var values = unit.TryGetValue((section, line[..eq]), out var list) ? list : unit[(section, line[..eq])] = [];
            values.AddRange(line[(eq + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        return unit;
    }
}
