using System.Globalization;
using HaApi.Engine.Execution;

namespace HaApi.Integrations.Agents;

/// <summary>
/// The environment Pacemaker's executor gives an OCF agent (lib/services/services_linux.c add_action_env_vars):
/// instance parameters as OCF_RESKEY_name, meta attributes and operation details as OCF_RESKEY_CRM_meta_name
/// with '-' turned into '_', intervals and timeouts in milliseconds, and OCF_CHECK_LEVEL passed bare.
/// </summary>
internal static class OcfEnvironment
{
    public const string CheckLevel = "OCF_CHECK_LEVEL";

    /// <summary>Where the crm_attribute shim records what the agent published; read back after the call.</summary>
    public const string AttributeFileVariable = "HAAPI_ATTRIBUTE_FILE";

    public const string SystemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Builds the environment, or returns the reason it cannot (a name or value the OS cannot carry).</summary>
    public static Dictionary<string, string> Build(
        OperationRequest request, AgentRunnerOptions options, string shimDirectory, string attributeFile, out string? invalid)
    {
        invalid = null;
        var r = request.Resource;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = shimDirectory + ":" + SystemPath,
            // ocf-shellfuncs calls ${HA_SBIN_DIR}/crm_attribute by absolute path; point it at the shim.
            ["HA_SBIN_DIR"] = shimDirectory,
            ["LC_ALL"] = "C",
            ["OCF_ROOT"] = options.OcfRoot,
            ["OCF_RA_VERSION_MAJOR"] = "1",
            ["OCF_RA_VERSION_MINOR"] = "1",
            ["OCF_EXIT_REASON_PREFIX"] = ExitReason.Prefix,
            ["OCF_RESOURCE_INSTANCE"] = request.ResourceId,
            ["OCF_RESOURCE_TYPE"] = r.Type,
            ["OCF_RESKEY_crm_feature_set"] = options.CrmFeatureSet,
            [AttributeFileVariable] = attributeFile,
        };
        if (r.Provider is not null) env["OCF_RESOURCE_PROVIDER"] = r.Provider;

        foreach (var (name, value) in r.Parameters)
        {
            if (!Add(env, name == CheckLevel ? CheckLevel : "OCF_RESKEY_" + name, value, $"instance parameter '{name}'", out invalid)) return env;
        }
        foreach (var (name, value) in r.Meta)
        {
            if (!Add(env, MetaVariable(name), value, $"meta attribute '{name}'", out invalid)) return env;
        }
        foreach (var (name, value) in request.ExtraMeta)
        {
            if (!Add(env, name == CheckLevel ? CheckLevel : MetaVariable(name), value, $"operation attribute '{name}'", out invalid)) return env;
        }
        env[MetaVariable("name")] = request.Action;
        env[MetaVariable("interval")] = ((long)request.Interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        env[MetaVariable("timeout")] = ((long)request.Timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        env[MetaVariable("on_node")] = request.NodeName;
        return env;
    }

    public static string MetaVariable(string name) => "OCF_RESKEY_CRM_meta_" + name.Replace('-', '_');

    private static bool Add(Dictionary<string, string> env, string variable, string value, string what, out string? invalid)
    {
        invalid = null;
        if (!IsPortableName(variable))
        {
            invalid = $"{what} cannot be passed to the agent: '{variable}' is not a valid environment variable name (use letters, digits, '_', '-' or '.')";
            return false;
        }
        if (value.Contains('\0'))
        {
            invalid = $"{what} cannot be passed to the agent: its value contains a NUL character";
            return false;
        }
        env[variable] = value;
        return true;
    }

    private static bool IsPortableName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0])) return false;
        foreach (var c in name)
        {
            // Beyond POSIX's letters/digits/'_', a few agents have parameter names with '-' or '.'; the kernel
            // carries them fine and Pacemaker passes them verbatim. '=' or spaces could not round-trip.
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) return false;
        }
        return true;
    }
}
