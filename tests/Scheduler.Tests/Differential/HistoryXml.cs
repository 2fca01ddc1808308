namespace HaApi.Scheduler.Tests.Differential;

/// <summary>Operation history entries (lrm_rsc_op) as a Pacemaker 2.1.5 controller records them.</summary>
internal static class HistoryXml
{
    /// <summary>One operation result, recorded at 1700000000 (2023-11-14T22:13:20Z).</summary>
    public static string Op(string rsc, string task, int intervalMs, int rc, int expected, int callId)
    {
        var key = intervalMs > 0 ? $"{rsc}_{task}_{intervalMs}" : $"{rsc}_last_{callId}";
        // Digests as Pacemaker computes them for parameterless agents (a monitor's includes its 20s default timeout).
        var digest = intervalMs > 0 ? "4811cef7f7f94e3a35a70be7916cb2fd" : "f2317cad3d54cec5d7d7aa7d0bf35cf8";
        return $"<lrm_rsc_op id=\"{key}\" operation_key=\"{rsc}_{task}_{intervalMs}\" operation=\"{task}\" interval=\"{intervalMs}\" call-id=\"{callId}\" rc-code=\"{rc}\" op-status=\"0\" transition-key=\"{callId}:1:{expected}:00000000-0000-0000-0000-000000000000\" transition-magic=\"0:{rc};{callId}:1:{expected}:00000000-0000-0000-0000-000000000000\" last-rc-change=\"1700000000\" exec-time=\"10\" queue-time=\"0\" op-digest=\"{digest}\" crm_feature_set=\"3.16.1\"/>";
    }
}
