using HaApi.Engine.Execution;

namespace HaApi.Integrations.Agents.BuiltIn;

/// <summary>An agent implemented inside HaApi (class "haapi"). The runner enforces the operation's timeout through
/// the token; agents return OCF exit codes like any script would.</summary>
internal interface IBuiltInAgent
{
    string Type { get; }

    Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken);
}
