using System.Diagnostics;
using HaApi.Engine.Ports;
using HaApi.Integrations.Corosync;

namespace HaApi.Integrations.Tests.Corosync;

/// <summary>
/// Runs in the test process's own network namespace, where no corosync runs (the cluster tests keep theirs inside
/// namespaces they create). Needs no root.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CorosyncNotRunningTests
{
    [Fact]
    public async Task Starting_without_a_running_corosync_fails_fast_and_says_how_to_fix_it()
    {
        RequireNoCorosyncInThisNetworkNamespace();
        await using var transport = new CorosyncTransport(new CorosyncTransportOptions { GroupName = "haapi-not-running" });
        var elapsed = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TransportUnavailableException>(() => transport.StartAsync(CancellationToken.None));

        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(3), $"took {elapsed.Elapsed}");
        Assert.Contains("corosync is not running", error.Message);
        Assert.Contains("systemctl start corosync", error.Message);
        Assert.Contains("/etc/corosync/corosync.conf", error.Message);
        Assert.Contains("CS_ERR_LIBRARY", error.Message);
    }

    [Fact]
    public async Task A_missing_configuration_is_named_in_the_error()
    {
        RequireNoCorosyncInThisNetworkNamespace();
        var config = Path.Combine(Path.GetTempPath(), $"haapi-{Guid.NewGuid():N}", "corosync.conf");
        await using var transport = new CorosyncTransport(new CorosyncTransportOptions { ConfigPath = config });

        var error = await Assert.ThrowsAsync<TransportUnavailableException>(() => transport.StartAsync(CancellationToken.None));

        Assert.Contains($"{config} is missing", error.Message);
        Assert.Contains("nodelist", error.Message);
    }

    [Fact]
    public async Task Multicast_before_start_is_a_programming_error()
    {
        await using var transport = new CorosyncTransport();

        await Assert.ThrowsAsync<InvalidOperationException>(() => transport.MulticastAsync(new byte[] { 1 }, CancellationToken.None).AsTask());
        Assert.Throws<InvalidOperationException>(() => transport.Local);
    }

    [Theory]
    [InlineData("")]
    [InlineData("group-name-with-non-ascii-é")]
    public void Invalid_group_names_are_rejected_at_construction(string group)
    {
        Assert.Throws<ArgumentException>(() => new CorosyncTransport(new CorosyncTransportOptions { GroupName = group }));
    }

    /// <summary>
    /// These tests need a network namespace without corosync. A host where installing the package also started
    /// corosync.service would make them connect; say so instead of failing with a confusing assertion.
    /// </summary>
    private static void RequireNoCorosyncInThisNetworkNamespace()
    {
        var ours = new FileInfo("/proc/self/ns/net").LinkTarget;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(dir), out _)
                    && File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "corosync"
                    && new FileInfo(Path.Combine(dir, "ns", "net")).LinkTarget == ours)
                    Assert.Fail($"corosync runs in the test's network namespace ({dir}): stop it (systemctl stop corosync) "
                        + "so these tests can check the error HaApi gives when corosync is not running.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process exited while we looked.
            }
        }
    }
}
