using HaApi.Engine.Cib;
using HaApi.Engine.Scheduler;
using HaApi.Scheduler.Tests.Corpus;
using static HaApi.Scheduler.Tests.Scheduler.Cib;

namespace HaApi.Scheduler.Tests.Differential;

/// <summary>A partition without quorum, per no-quorum-policy, against the real crm_simulate on the same CIB.</summary>
public sealed class NoQuorumPolicyTests
{
    [Theory]
    [InlineData("stop")]
    [InlineData("freeze")]
    [InlineData("ignore")]
    public void A_partition_without_quorum_does_what_its_policy_says_as_pacemaker_does(string policy)
    {
        CrmSimulate.RequireInstalled();
        // node3 alone: "running" is active there, "idle" is stopped, node1 and node2 are gone (no fencing).
        var xml = Document(Dummy("running") + Dummy("idle"), quorum: false,
                status: Lost("node1") + Lost("node2") + Online("node3", ("running", "start", 0, 3)))
            .Replace("""name="no-quorum-policy" value="stop"/>""", $"""name="no-quorum-policy" value="{policy}"/>""", StringComparison.Ordinal);
        var workDir = Directory.CreateTempSubdirectory("haapi-quorum-");
        try
        {
            var expected = SchedulerCorpus.Normalize(CrmSimulate.TransitionSummary(xml, workDir.FullName));
            var doc = CibImporter.Import(xml);
            var actual = SchedulerCorpus.Normalize(TransitionSummary.Format(
                HaApi.Engine.Scheduler.Scheduler.Schedule(new SchedulerInput(doc.Config, doc.Status, doc.HaveQuorum, SchedulerCorpus.DefaultNow))));
            Assert.Equal(expected, actual);
        }
        finally
        {
            workDir.Delete(recursive: true);
        }
    }
}
