using System.Collections.Immutable;
using HaApi.Engine.Events;
using HaApi.Engine.Model;
using HaApi.Integrations.Snmp;
using HaApi.Integrations.Snmp.Pacemaker;

namespace HaApi.Integrations.Tests.Snmp;

public class PacemakerNotificationTests
{
    private static readonly DateTimeOffset T = new(2024, 1, 15, 12, 34, 56, 789, TimeSpan.Zero);

    private static ResourceOperationCompleted Op(string operation, int rc, int expected = 0, string status = "Done", int intervalS = 10) =>
        new(T, "pm02", "pm01", "prmPg", "ocf:heartbeat:pgsql", operation, TimeSpan.FromSeconds(intervalS), rc, expected, status, null, TimeSpan.FromMilliseconds(30));

    [Fact]
    public void Node_lost_names_the_node_that_left_and_nothing_else()
    {
        var n = PacemakerNotificationMapper.Map(new NodeMembershipChanged(T, "pm02", "pm01", 1, Member: false))!;
        Assert.Equal(new PacemakerNotification(AlertKinds.Node, T, "pm01", Description: "lost"), n);
        Assert.Equal("member", PacemakerNotificationMapper.Map(new NodeMembershipChanged(T, "pm02", "pm03", 3, true))!.Description);
    }

    [Fact]
    public void Completed_operation_carries_target_node_resource_action_rc_text_and_codes()
    {
        var n = PacemakerNotificationMapper.Map(Op("monitor", rc: 7))!;
        Assert.Equal(AlertKinds.Resource, n.Kind);
        Assert.Equal(("pm01", "prmPg", "monitor", "not running"), (n.Node, n.Resource, n.Operation, n.Description));
        Assert.Equal((0, 7, 0), (n.Status, n.ReturnCode, n.TargetReturnCode));
    }

    [Theory]
    [InlineData("TimedOut", 2, "Timed out")]
    [InlineData("Error", 4, "Error")]
    [InlineData("ErrorHard", 5, "Hard error")]
    [InlineData("NotInstalled", 7, "Not installed")]
    [InlineData("Cancelled", 1, "Cancelled")]
    public void Failed_execution_reports_the_status_code_and_its_text(string status, int code, string text)
    {
        var n = PacemakerNotificationMapper.Map(Op("start", rc: 1, status: status))!;
        Assert.Equal(code, n.Status);
        Assert.Equal(text, n.Description);
    }

    [Fact]
    public void Probe_that_found_the_expected_state_and_meta_data_produce_no_notification()
    {
        Assert.Null(PacemakerNotificationMapper.Map(Op("monitor", rc: 7, expected: 7, intervalS: 0)));
        Assert.Null(PacemakerNotificationMapper.Map(Op("meta-data", rc: 0)));
        // A probe that finds the resource running where it should be stopped is news.
        Assert.NotNull(PacemakerNotificationMapper.Map(Op("monitor", rc: 0, expected: 7, intervalS: 0)));
    }

    [Fact]
    public void Fencing_result_uses_st_notify_fence_and_pacemaker_description()
    {
        var ok = PacemakerNotificationMapper.Map(new FencingCompleted(T, "pm01", "pm02", "reboot", null, true, null, TimeSpan.FromSeconds(3)))!;
        Assert.Equal(("pm02", "st_notify_fence", 0), (ok.Node, ok.Operation, ok.ReturnCode));
        Assert.Equal("Operation reboot of pm02 by pm01 for pacemaker-controld@pm01: OK (ref=(none))", ok.Description);
        Assert.Null(ok.Resource);
        Assert.Null(ok.Status);

        var failed = PacemakerNotificationMapper.Map(new FencingCompleted(T, "pm01", "pm02", "off", null, false, "no route to BMC", TimeSpan.FromSeconds(3)))!;
        Assert.Equal(-201, failed.ReturnCode);
        Assert.Equal("Operation off of pm02 by pm01 for pacemaker-controld@pm01: Error (no route to BMC) (ref=(none))", failed.Description);

        // One device's run within the request is not a fencing event of its own: no second trap.
        Assert.Null(PacemakerNotificationMapper.Map(new FencingCompleted(T, "pm01", "pm02", "reboot", "fence_ipmi", true, null, TimeSpan.FromSeconds(3))));
    }

    [Fact]
    public void Attribute_change_names_node_attribute_and_value_and_removal_is_an_empty_value()
    {
        var set = PacemakerNotificationMapper.Map(new NodeAttributeChanged(T, "pm02", "pm01", "default_ping_set", "100"))!;
        Assert.Equal(new PacemakerNotification(AlertKinds.Attribute, T, "pm01", AttributeName: "default_ping_set", AttributeValue: "100"), set);
        Assert.Equal("", PacemakerNotificationMapper.Map(new NodeAttributeChanged(T, "pm02", "pm01", "diskcheck_status", null))!.AttributeValue);
    }

    [Fact]
    public void Events_pacemaker_never_alerts_on_map_to_nothing()
    {
        Assert.Null(PacemakerNotificationMapper.Map(new QuorumChanged(T, "pm01", false)));
        Assert.Null(PacemakerNotificationMapper.Map(new DcChanged(T, "pm01", "pm02")));
        Assert.Null(PacemakerNotificationMapper.Map(new FencingStarted(T, "pm01", "pm02", "reboot", null)));
        Assert.Null(PacemakerNotificationMapper.Map(new ResourceOperationStarted(T, "pm01", "pm01", "prmPg", "ocf:heartbeat:pgsql", "start", TimeSpan.Zero)));
    }

    [Fact]
    public void Trap_has_all_nine_objects_in_mib_order_with_placeholders_and_a_binary_date()
    {
        var n = new PacemakerNotification(AlertKinds.Node, new DateTimeOffset(2024, 1, 15, 12, 34, 56, 700, TimeSpan.Zero), "pm01", Description: "lost");
        var varBinds = new PacemakerTrapBuilder().Build(n, 98275, TimeZoneInfo.Utc);

        Assert.Equal([
            "1.3.6.1.2.1.1.3.0 = Timeticks 98275",
            "1.3.6.1.6.3.1.1.4.1.0 = OID: 1.3.6.1.4.1.32723.2.1",
            "1.3.6.1.4.1.32723.1.1 = STRING: \"pm01\"",
            "1.3.6.1.4.1.32723.1.2 = STRING: \"n/a\"",
            "1.3.6.1.4.1.32723.1.3 = STRING: \"n/a\"",
            "1.3.6.1.4.1.32723.1.4 = STRING: \"lost\"",
            "1.3.6.1.4.1.32723.1.5 = INTEGER: 2147483647",
            "1.3.6.1.4.1.32723.1.6 = INTEGER: 2147483647",
            "1.3.6.1.4.1.32723.1.7 = INTEGER: 2147483647",
            "1.3.6.1.4.1.32723.1.8 = STRING: \"n/a\"",
            "1.3.6.1.4.1.32723.1.9 = STRING: \"n/a\"",
            "1.3.6.1.2.1.25.1.2 = 07E8010F0C223807",
        ], varBinds.Select(Describe));
    }

    [Fact]
    public void Custom_placeholders_and_no_timestamp_are_honoured()
    {
        var n = new PacemakerNotification(AlertKinds.Node, T, "pm01", Description: "member");
        var varBinds = new PacemakerTrapBuilder(AddHiresTimestamp: false, IgnoreString: "-", IgnoreInt32: -1).Build(n, 0, TimeZoneInfo.Utc);
        Assert.Equal(11, varBinds.Length);
        Assert.Equal(new SnmpOctetString("-"), varBinds[3].Value);
        Assert.Equal(new SnmpInteger(-1), varBinds[6].Value);
    }

    [Theory]
    [InlineData(AlertKinds.Node, "1,4")]
    [InlineData(AlertKinds.Fencing, "1,3,4,6")]
    [InlineData(AlertKinds.Resource, "1,2,3,4,5,6,7")]
    [InlineData(AlertKinds.Attribute, "1,8,9")]
    public void Legacy_mode_sends_only_the_objects_of_the_kind(AlertKinds kind, string objects)
    {
        var n = new PacemakerNotification(kind, T, "pm01", "r", "start", "ok", 0, 0, 0, "a", "v");
        var varBinds = new PacemakerTrapBuilder(AddHiresTimestamp: false, Legacy: true).Build(n, 0, TimeZoneInfo.Utc);
        Assert.Equal(objects.Split(',').Select(o => $"1.3.6.1.4.1.32723.1.{o}"), varBinds.Skip(2).Select(v => v.Oid.ToString()));
    }

    [Fact]
    public void Date_and_time_matches_the_verified_snmptrap_encoding()
    {
        // monitoring-formats.md B.7: 2024-01-15,12:34:56.7 -> 07 E8 01 0F 0C 22 38 07
        Assert.Equal("07E8010F0C223807", Convert.ToHexString(DateAndTime.Encode(new DateTime(2024, 1, 15, 12, 34, 56, 789))));
        var tokyo = TimeZoneInfo.CreateCustomTimeZone("UTC+9", TimeSpan.FromHours(9), "UTC+9", "UTC+9");
        Assert.Equal("07E8010F152238" + "07", Convert.ToHexString(DateAndTime.Encode(T, tokyo)));
    }

    private static string Describe(VarBind vb) => vb.Value switch
    {
        SnmpTimeTicks t => $"{vb.Oid} = Timeticks {t.Value}",
        SnmpOctetString s when vb.Oid == PacemakerMib.HrSystemDate => $"{vb.Oid} = {Convert.ToHexString(s.Value)}",
        _ => vb.ToString(),
    };
}

public class PacemakerTrapFilterTests
{
    private static readonly DateTimeOffset T = DateTimeOffset.UnixEpoch;

    private static PacemakerNotification Resource(string op, int rc, int target, string desc = "x") =>
        new(AlertKinds.Resource, T, "pm01", "r", op, desc, 0, rc, target);

    [Fact]
    public void Successful_monitors_are_suppressed_unless_trap_monitor_success()
    {
        Assert.False(PacemakerTrapFilter.All.Allows(Resource("monitor", 0, 0)));
        Assert.True(PacemakerTrapFilter.All.Allows(Resource("monitor", 7, 0)));
        Assert.True(PacemakerTrapFilter.All.Allows(Resource("start", 0, 0)));
        Assert.True((PacemakerTrapFilter.All with { MonitorSuccess = true }).Allows(Resource("monitor", 0, 0)));
    }

    [Fact]
    public void Cancelled_results_are_never_sent()
    {
        Assert.False(PacemakerTrapFilter.All.Allows(Resource("stop", 1, 0, "Cancelled")));
    }

    [Fact]
    public void Task_and_state_lists_select_like_the_sample_agent()
    {
        var filter = PacemakerTrapFilter.All with
        {
            ResourceTasks = PacemakerTrapFilter.ParseList("Start, stop"),
            NodeStates = PacemakerTrapFilter.ParseList("lost"),
            FencingTasks = PacemakerTrapFilter.ParseList("all"),
        };
        Assert.True(filter.Allows(Resource("start", 1, 0)));
        Assert.False(filter.Allows(Resource("promote", 1, 0)));
        Assert.True(filter.Allows(new PacemakerNotification(AlertKinds.Node, T, "pm01", Description: "lost")));
        Assert.False(filter.Allows(new PacemakerNotification(AlertKinds.Node, T, "pm01", Description: "member")));
        Assert.True(filter.Allows(new PacemakerNotification(AlertKinds.Fencing, T, "pm01", Operation: "st_notify_fence")));
    }

    [Fact]
    public void Kinds_and_attribute_selection_come_from_the_alert()
    {
        var filter = PacemakerTrapFilter.All with { Kinds = AlertKinds.Node | AlertKinds.Attribute, SelectAttributes = ["default_ping_set"] };
        Assert.False(filter.Allows(Resource("start", 1, 0)));
        Assert.True(filter.Allows(new PacemakerNotification(AlertKinds.Attribute, T, "pm01", AttributeName: "default_ping_set", AttributeValue: "0")));
        Assert.False(filter.Allows(new PacemakerNotification(AlertKinds.Attribute, T, "pm01", AttributeName: "fail-count-r", AttributeValue: "1")));
    }
}

public class SnmpRecipientSettingsTests
{
    internal static Alert SnmpAlert(IDictionary<string, string>? parameters = null, IDictionary<string, string>? recipientParameters = null,
        string value = "192.0.2.10", AlertKinds kinds = AlertKinds.All) =>
        new("snmp1", Alert.SnmpAgent,
            [new AlertRecipient("r1", value, (recipientParameters ?? new Dictionary<string, string>()).ToImmutableSortedDictionary())],
            kinds, (parameters ?? new Dictionary<string, string>()).ToImmutableSortedDictionary(), [], TimeSpan.FromSeconds(30));

    [Fact]
    public void Defaults_are_those_of_the_sample_agent()
    {
        var s = Assert.Single(SnmpRecipientSettings.FromAlert(SnmpAlert()));
        Assert.Equal(new SnmpEndpoint("192.0.2.10", 162), s.Endpoint);
        Assert.Equal(new SnmpSecurity.V2c("public"), s.Security);
        Assert.False(s.Inform);
        Assert.True(s.Builder.AddHiresTimestamp);
        Assert.False(s.Filter.MonitorSuccess);
    }

    [Fact]
    public void Recipient_parameters_override_alert_parameters_and_v3_is_parsed()
    {
        var s = Assert.Single(SnmpRecipientSettings.FromAlert(SnmpAlert(
            new Dictionary<string, string>
            {
                ["trap_version"] = "3", ["trap_v3_user"] = "ops", ["trap_v3_auth_protocol"] = "SHA-256",
                ["trap_v3_auth_passphrase"] = "auth-pass-123", ["trap_v3_priv_passphrase"] = "priv-pass-456",
                ["trap_inform"] = "false",
            },
            new Dictionary<string, string> { ["trap_inform"] = "true", ["trap_v3_engine_id"] = "0x80007FD30401020304" },
            value: "[2001:db8::1]:1162")));
        var v3 = Assert.IsType<SnmpSecurity.V3>(s.Security);
        Assert.Equal("ops", v3.User.Name);
        Assert.Equal(HaApi.Integrations.Snmp.Usm.SnmpAuthProtocol.HmacSha256, v3.User.AuthProtocol);
        Assert.Equal("80007FD30401020304", Convert.ToHexString(v3.TrapEngineId!));
        Assert.True(s.Inform);
        Assert.Equal(new SnmpEndpoint("2001:db8::1", 1162), s.Endpoint);
        Assert.DoesNotContain("pass", s.ToString());
    }

    [Theory]
    [InlineData("trap_version", "1")]
    [InlineData("trap_inform", "maybe")]
    [InlineData("trap_inform_retries", "50")]
    [InlineData("trap_v3_auth_passphrase", "short")]
    [InlineData("trap_v3_auth_protocol", "MD5")]
    [InlineData("trap_v3_priv_protocol", "DES")]
    [InlineData("trap_v3_engine_id", "0xZZ")]
    public void Bad_parameters_are_named_without_revealing_secret_values(string parameter, string bad)
    {
        var parameters = new Dictionary<string, string>
        {
            ["trap_version"] = "3", ["trap_v3_user"] = "ops", ["trap_community"] = "s3cr3t-community",
            ["trap_v3_auth_passphrase"] = "auth-pass-123", ["trap_v3_priv_passphrase"] = "priv-pass-456",
            [parameter] = bad,
        };
        var e = Assert.Throws<SnmpConfigurationException>(() => SnmpRecipientSettings.FromAlert(SnmpAlert(parameters)));
        Assert.Equal(parameter, e.Parameter);
        Assert.Equal("snmp1", e.AlertId);
        Assert.Contains(parameter, e.Message);
        Assert.DoesNotContain("s3cr3t", e.Message);
        Assert.DoesNotContain("pass-", e.Message);
        if (SnmpAlertParameters.Secrets.Contains(parameter)) Assert.DoesNotContain(bad, e.Message);
    }

    [Theory]
    [InlineData("host", "host", 162)]
    [InlineData("host.example:1162", "host.example", 1162)]
    [InlineData("udp:10.0.0.1:2000", "10.0.0.1", 2000)]
    [InlineData("fe80::1", "fe80::1", 162)]
    [InlineData("[fe80::1]:99", "fe80::1", 99)]
    public void Recipient_values_parse_like_net_snmp_addresses(string value, string host, int port)
    {
        Assert.Equal(new SnmpEndpoint(host, port), SnmpEndpoint.Parse(value));
    }

    [Theory]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("host:abc")]
    [InlineData("[fe80::1")]
    [InlineData("")]
    public void Invalid_recipient_values_are_refused(string value)
    {
        Assert.Throws<SnmpConfigurationException>(() => SnmpRecipientSettings.FromAlert(SnmpAlert(value: value)));
    }
}
