using System.Diagnostics;
using HaApi.Engine.Execution;

namespace HaApi.Integrations.Agents.BuiltIn;

internal static class BuiltInResult
{
    public static OperationResult Of(OcfExitCode rc, Stopwatch clock, string? reason = null, string? output = null) =>
        new((int)rc, ExecutionStatus.Done, reason, clock.Elapsed, output);

    public static string StateFileName(string type, string resourceId, string suffix) =>
        $"{type}-{resourceId.Replace('/', '_')}{suffix}";
}
