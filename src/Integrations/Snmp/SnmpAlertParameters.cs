namespace HaApi.Integrations.Snmp;

/// <summary>
/// Parameter names understood by the built-in SNMP alert agent (<c>Alert.Agent == "haapi:snmp"</c>). They are read
/// from the alert's Parameters, then overridden per recipient by the recipient's Parameters (as Pacemaker merges
/// instance attributes). Names that alert_snmp.sh already has keep its name and default, so a cluster moving from
/// Pacemaker's sample agent keeps its configuration.
/// <list type="table">
/// <listheader><term>parameter</term><description>meaning (default)</description></listheader>
/// <item><term>trap_version</term><description><c>2c</c> or <c>3</c> (2c). SNMPv1 is not supported.</description></item>
/// <item><term>trap_community</term><description>v2c community (public). Secret: never logged.</description></item>
/// <item><term>trap_inform</term><description><c>true</c> sends InformRequest and waits for the receiver's Response;
///   <c>false</c> sends SNMPv2-Trap (false).</description></item>
/// <item><term>trap_inform_timeout_ms</term><description>wait per inform attempt, 10..60000 (1000).</description></item>
/// <item><term>trap_inform_retries</term><description>retransmissions after the first attempt, 0..10 (2).</description></item>
/// <item><term>trap_v3_user</term><description>USM user name; required for version 3.</description></item>
/// <item><term>trap_v3_security_level</term><description><c>authPriv</c>, <c>authNoPriv</c> or
///   <c>noAuthNoPriv</c> (authPriv).</description></item>
/// <item><term>trap_v3_auth_protocol</term><description><c>SHA</c> (usmHMACSHAAuthProtocol, HMAC-SHA-1-96) or
///   <c>SHA-256</c> (usmHMAC192SHA256AuthProtocol) (SHA).</description></item>
/// <item><term>trap_v3_auth_passphrase</term><description>at least 8 characters. Secret.</description></item>
/// <item><term>trap_v3_priv_protocol</term><description><c>AES</c> (usmAesCfb128Protocol, AES-128-CFB) (AES).</description></item>
/// <item><term>trap_v3_priv_passphrase</term><description>at least 8 characters. Secret.</description></item>
/// <item><term>trap_v3_engine_id</term><description>hex (optional 0x prefix), 5..32 octets: the authoritative engine
///   id of our traps, which the receiver's <c>createUser -e</c> must name. Default: the sink's local engine id
///   (<see cref="SnmpTrapSinkOptions.LocalEngineId"/>). Informs always use the receiver's engine id, discovered.</description></item>
/// <item><term>trap_node_states</term><description>comma list of node Descriptions to send: member, lost (all).</description></item>
/// <item><term>trap_fencing_tasks</term><description>comma list compared with the fencing Operation,
///   st_notify_fence (all).</description></item>
/// <item><term>trap_resource_tasks</term><description>comma list of resource actions: start, stop, monitor,
///   promote, demote … (all).</description></item>
/// <item><term>trap_monitor_success</term><description><c>true</c> also sends monitor results equal to the
///   expected rc (false).</description></item>
/// <item><term>trap_add_hires_timestamp_oid</term><description>append HOST-RESOURCES-MIB::hrSystemDate (true).</description></item>
/// <item><term>trap_ignore_int32</term><description>integer placeholder for fields that do not apply (2147483647).</description></item>
/// <item><term>trap_ignore_string</term><description>string placeholder for fields that do not apply (n/a).</description></item>
/// <item><term>trap_legacy_varbinds</term><description><c>true</c> sends only the objects that apply to the kind,
///   like Pacemaker 1.1.15–2.0.0 (false: all nine with placeholders, like Pacemaker ≥ 2.0.1).</description></item>
/// </list>
/// Which kinds are sent comes from the alert's <c>Kinds</c>; attribute alerts are further limited to
/// <c>SelectAttributes</c> when that list is not empty. A recipient's Value is <c>host[:port]</c>
/// (also <c>[ipv6]:port</c>, <c>udp:host:port</c>), port 162 by default.
/// </summary>
public static class SnmpAlertParameters
{
    public const string Version = "trap_version";
    public const string Community = "trap_community";
    public const string Inform = "trap_inform";
    public const string InformTimeoutMs = "trap_inform_timeout_ms";
    public const string InformRetries = "trap_inform_retries";
    public const string V3User = "trap_v3_user";
    public const string V3SecurityLevel = "trap_v3_security_level";
    public const string V3AuthProtocol = "trap_v3_auth_protocol";
    public const string V3AuthPassphrase = "trap_v3_auth_passphrase";
    public const string V3PrivProtocol = "trap_v3_priv_protocol";
    public const string V3PrivPassphrase = "trap_v3_priv_passphrase";
    public const string V3EngineId = "trap_v3_engine_id";
    public const string NodeStates = "trap_node_states";
    public const string FencingTasks = "trap_fencing_tasks";
    public const string ResourceTasks = "trap_resource_tasks";
    public const string MonitorSuccess = "trap_monitor_success";
    public const string AddHiresTimestamp = "trap_add_hires_timestamp_oid";
    public const string IgnoreInt32 = "trap_ignore_int32";
    public const string IgnoreString = "trap_ignore_string";
    public const string LegacyVarBinds = "trap_legacy_varbinds";

    /// <summary>Parameters whose values are secrets: never logged, never in exception messages.</summary>
    public static readonly IReadOnlySet<string> Secrets = new HashSet<string>(StringComparer.Ordinal)
    {
        Community, V3AuthPassphrase, V3PrivPassphrase,
    };
}
