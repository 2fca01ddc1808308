using HaApi.Engine.Execution;
using HaApi.Engine.Model;
using HaApi.Integrations.Agents;

namespace HaApi.Integrations.Tests.Agents;

public class CrmAttributeShimTests
{
    private static async Task<OperationResult> RunAgentAsync(AgentTestBed bed, string resourceId, string body)
    {
        var root = bed.PathFor("ocf");
        AgentTestBed.WriteScript(Path.Combine(root, "resource.d", "test", "Attr"), "#!/bin/sh\n" + body);
        var runner = new OcfAgentRunner(bed.Options with { OcfRoot = root });
        return await runner.ExecuteAsync(AgentTestBed.Request(AgentTestBed.Primitive(resourceId, ResourceClass.Ocf, "test", "Attr"), "start"), default);
    }

    [Fact]
    public async Task Every_spelling_agents_use_reaches_the_result_in_call_order()
    {
        using var bed = new AgentTestBed();
        var result = await RunAgentAsync(bed, "db:1", """
            crm_master -l reboot -v 7
            ${HA_SBIN_DIR}/crm_attribute -p -v 8
            crm_attribute -p other -v 9
            crm_attribute --promotion=third -v 10
            crm_attribute -n pingd -v 1000 -l reboot -N node1
            crm_attribute --name=site --update=east
            crm_master -l reboot -D
            echo "query=$(crm_attribute -G -n pingd -q)"
            crm_attribute -G -n nothing -q || echo "missing=$?"
            exit 0
            """);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                new AttributeUpdate("master-db", "7"), new AttributeUpdate("master-db", "8"),
                new AttributeUpdate("master-other", "9"), new AttributeUpdate("master-third", "10"),
                new AttributeUpdate("pingd", "1000"), new AttributeUpdate("site", "east"), new AttributeUpdate("master-db", null),
            ],
            result.AttributeUpdates.ToArray());
        Assert.Contains("query=1000", result.Output);
        Assert.Contains("missing=105", result.Output);
    }

    [Fact]
    public async Task Values_with_newlines_are_refused_and_nothing_leaks_between_calls()
    {
        using var bed = new AgentTestBed();
        var first = await RunAgentAsync(bed, "r", "crm_attribute -n a -v \"$(printf 'x\\ny')\" || echo refused=$?\n");
        Assert.Contains("refused=65", first.Output);
        Assert.Empty(first.AttributeUpdates);

        var second = await RunAgentAsync(bed, "r", "crm_attribute -n b -v 1\n");
        var third = await RunAgentAsync(bed, "r", "true\n");
        Assert.Equal([new AttributeUpdate("b", "1")], second.AttributeUpdates.ToArray());
        Assert.Empty(third.AttributeUpdates);
    }

    [Fact]
    public void Promotion_score_name_drops_the_clone_instance()
    {
        Assert.Equal("master-db", AttributeUpdate.PromotionScoreName("db:2"));
        Assert.Equal("master-db", AttributeUpdate.PromotionScoreName("db"));
    }
}
