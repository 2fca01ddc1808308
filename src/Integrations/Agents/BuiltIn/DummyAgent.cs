using System.Diagnostics;
using HaApi.Engine.Execution;
using HaApi.Engine.Model;

namespace HaApi.Integrations.Agents.BuiltIn;

/// <summary>
/// haapi:Dummy, the built-in counterpart of ocf:pacemaker:Dummy: "running" means its state file exists.
/// Parameters: <c>state</c> (optional path of the state file; default STATE_DIR/Dummy-RESOURCE.state).
/// </summary>
internal sealed class DummyAgent(string stateDirectory) : IBuiltInAgent
{
    public string Type => "Dummy";

    public Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var state = request.Resource.Parameters.Get("state")
            ?? Path.Combine(stateDirectory, BuiltInResult.StateFileName(Type, request.ResourceId, ".state"));
        if (!Path.IsPathRooted(state))
            return Task.FromResult(BuiltInResult.Of(OcfExitCode.NotConfigured, clock, $"state must be an absolute path, got '{state}'"));
        var result = request.Action switch
        {
            OperationNames.Start or OperationNames.MigrateFrom => Start(state, clock),
            OperationNames.Stop or OperationNames.MigrateTo => Stop(state, clock),
            OperationNames.Monitor => File.Exists(state)
                ? BuiltInResult.Of(OcfExitCode.Success, clock)
                // Like Pacemaker's Dummy, a probe finding nothing is no news; a recurring monitor explains itself.
                : BuiltInResult.Of(OcfExitCode.NotRunning, clock, request.IsProbe ? null : $"state file {state} not found"),
            OperationNames.ValidateAll => Validate(state, clock),
            OperationNames.MetaData => BuiltInResult.Of(OcfExitCode.Success, clock, output: MetaData),
            OperationNames.Reload or OperationNames.ReloadAgent or OperationNames.Notify => BuiltInResult.Of(OcfExitCode.Success, clock),
            _ => BuiltInResult.Of(OcfExitCode.Unimplemented, clock, $"haapi:Dummy does not implement '{request.Action}'"),
        };
        return Task.FromResult(result);
    }

    private static OperationResult Start(string state, Stopwatch clock)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(state)!);
            File.WriteAllText(state, "");
            return BuiltInResult.Of(OcfExitCode.Success, clock);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return BuiltInResult.Of(OcfExitCode.GenericError, clock, $"cannot create state file {state}: {e.Message}");
        }
    }

    private static OperationResult Stop(string state, Stopwatch clock)
    {
        try
        {
            File.Delete(state);
            return BuiltInResult.Of(OcfExitCode.Success, clock);
        }
        catch (DirectoryNotFoundException) { return BuiltInResult.Of(OcfExitCode.Success, clock); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return BuiltInResult.Of(OcfExitCode.GenericError, clock, $"cannot remove state file {state}: {e.Message}");
        }
    }

    private static OperationResult Validate(string state, Stopwatch clock)
    {
        var dir = Path.GetDirectoryName(state)!;
        var parent = dir;
        while (!Directory.Exists(parent)) parent = Path.GetDirectoryName(parent);
        return parent is null
            ? BuiltInResult.Of(OcfExitCode.InvalidArgument, clock, $"state file {state} cannot be created")
            : BuiltInResult.Of(OcfExitCode.Success, clock);
    }

    private const string MetaData = """
        <?xml version="1.0"?>
        <resource-agent name="Dummy" version="1.0">
          <version>1.1</version>
          <longdesc lang="en">HaApi's built-in test agent: running means its state file exists. It does nothing else.</longdesc>
          <shortdesc lang="en">Built-in example agent</shortdesc>
          <parameters>
            <parameter name="state" unique-group="state">
              <longdesc lang="en">Location of the state file (default: HaApi's state directory/Dummy-RESOURCE.state).</longdesc>
              <shortdesc lang="en">State file</shortdesc>
              <content type="string"/>
            </parameter>
          </parameters>
          <actions>
            <action name="start" timeout="20s"/>
            <action name="stop" timeout="20s"/>
            <action name="monitor" timeout="20s" interval="10s" depth="0"/>
            <action name="reload-agent" timeout="20s"/>
            <action name="migrate_to" timeout="20s"/>
            <action name="migrate_from" timeout="20s"/>
            <action name="validate-all" timeout="20s"/>
            <action name="meta-data" timeout="5s"/>
          </actions>
        </resource-agent>
        """;
}
