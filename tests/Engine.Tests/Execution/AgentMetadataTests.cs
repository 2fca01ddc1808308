using HaApi.Engine.Execution;
using HaApi.Engine.Model;

namespace HaApi.Engine.Tests.Execution;

public class AgentMetadataTests
{
    private const string Legacy = """
        <?xml version="1.0"?>
        <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
        <resource-agent name="Legacy" version="2.3">
        <version>1.0</version>
        <longdesc lang="de">Deutsch</longdesc>
        <longdesc lang="en">
          Long   text
          over lines
        </longdesc>
        <shortdesc lang="en">Short</shortdesc>
        <parameters>
          <parameter name="ip" unique="1" required="1"><shortdesc lang="en">IP</shortdesc><content type="string"/></parameter>
          <parameter name="mode"><content type="select" default="a"><option value="a"/><option value="b"/></content></parameter>
          <parameter name="passwd"><content type="string"/></parameter>
          <parameter name="old"><deprecated><replaced-with name="ip"/></deprecated><content type="integer" default="3"/></parameter>
          <parameter><content type="string"/></parameter>
        </parameters>
        <actions>
          <action name="start" timeout="20s"/>
          <action name="monitor" timeout="20" interval="10s" depth="0" role="Master"/>
          <action name="monitor" timeout="30s" interval="11s" depth="10"/>
          <action name="stop" timeout="2m"/>
          <action name="recover" timeout="1d"/>
        </actions>
        <special tag="x"><anything/></special>
        </resource-agent>
        """;

    [Fact]
    public void Legacy_OCF_1_0_meta_data_is_read_leniently()
    {
        Assert.True(AgentMetadata.TryParse(Legacy, out var m, out var error), error);
        Assert.Equal("Legacy", m!.Name);
        Assert.Equal("2.3", m.AgentVersion);
        Assert.Equal("1.0", m.OcfVersion);
        Assert.Equal("Long text over lines", m.LongDescription);
        Assert.Equal("Short", m.ShortDescription);
        Assert.Equal(["ip", "mode", "passwd", "old"], m.Parameters.Select(p => p.Name));
        var ip = m.Parameter("ip")!;
        Assert.True(ip.Required);
        Assert.True(ip.Unique);
        Assert.Equal(["a", "b"], m.Parameter("mode")!.Options.ToArray());
        Assert.Equal("a", m.Parameter("mode")!.Default);
        Assert.True(m.Parameter("old")!.Deprecated);
        Assert.Equal("integer", m.Parameter("old")!.Type);

        Assert.Equal(TimeSpan.FromSeconds(20), m.Action("start")!.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(2), m.Action("stop")!.Timeout);
        Assert.Equal(TimeSpan.FromDays(1), m.Action("recover")!.Timeout);
        var promotedMonitor = m.Action("monitor", Role.Promoted)!;
        Assert.Equal(TimeSpan.FromSeconds(10), promotedMonitor.Interval);
        Assert.Equal(TimeSpan.FromSeconds(20), promotedMonitor.Timeout);
        Assert.Equal(10, m.Actions.Single(a => a.Interval == TimeSpan.FromSeconds(11)).Depth);
    }

    [Fact]
    public void Without_private_markers_password_passwd_and_user_are_secrets()
    {
        AgentMetadata.TryParse(Legacy, out var m, out _);
        Assert.True(m!.IsSecret("passwd"));
        Assert.True(m.IsSecret("user"));
        Assert.False(m.IsSecret("ip"));

        var marked = Legacy.Replace("<parameter name=\"ip\" unique=\"1\"", "<parameter name=\"ip\" private=\"1\" unique=\"1\"");
        AgentMetadata.TryParse(marked, out var m2, out _);
        Assert.True(m2!.IsSecret("ip"));
        Assert.False(m2.IsSecret("passwd")); // once an agent marks its secrets, only those are
    }

    [Theory]
    [InlineData("", "no meta-data")]
    [InlineData("usage: foo {start|stop}", "not well-formed")]
    [InlineData("<resource-agent><parameters>", "not well-formed")]
    [InlineData("<other/>", "no <resource-agent>")]
    public void Garbage_meta_data_is_refused_with_a_reason(string xml, string reason)
    {
        Assert.False(AgentMetadata.TryParse(xml, out var m, out var error));
        Assert.Null(m);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void External_entities_are_never_resolved()
    {
        var xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE resource-agent [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <resource-agent name="X"><shortdesc lang="en">&x;</shortdesc></resource-agent>
            """;
        if (AgentMetadata.TryParse(xxe, out var m, out _)) Assert.DoesNotContain("root:", m!.ShortDescription ?? "");
    }
}
