using HaApi.Engine.Model;
using HaApi.Integrations.Agents;

namespace HaApi.Integrations.Tests.Agents;

public class OcfAgentSecretTests
{
    [Fact]
    public async Task Secret_parameters_reach_the_agent_but_never_its_reported_output()
    {
        using var bed = new AgentTestBed();
        var root = bed.PathFor("ocf");
        AgentTestBed.WriteScript(Path.Combine(root, "resource.d", "test", "Leaky"), """
            #!/bin/sh
            [ "$OCF_RESKEY_passwd" = "s3cr3t-pw" ] || exit 2
            echo "connecting with $OCF_RESKEY_passwd"
            echo "auth failed for $OCF_RESKEY_passwd" >&2
            echo "ocf-exit-reason:login with password $OCF_RESKEY_passwd rejected" >&2
            exit 1
            """);
        var runner = new OcfAgentRunner(bed.Options with { OcfRoot = root });
        var p = AgentTestBed.Primitive("db", ResourceClass.Ocf, "test", "Leaky", [new("passwd", "s3cr3t-pw"), new("user", "admin")]);

        var result = await runner.ExecuteAsync(AgentTestBed.Request(p, "start"), default);

        Assert.Equal(1, result.ExitCode); // the agent got the real secret (otherwise rc 2)
        Assert.Equal("login with password *** rejected", result.ExitReason);
        Assert.Contains("connecting with ***", result.Output);
        Assert.DoesNotContain("s3cr3t-pw", result.Output + result.ErrorOutput + result.ExitReason);
    }
}
