using System.Text.Json;
using System.Text.Json.Serialization;
using HaApi.Engine.Config;
using HaApi.Engine.Model;

namespace HaApi.Engine.Cluster;

/// <summary>
/// What nodes multicast to each other. Every message carries the wire format version; a node drops (and logs)
/// a message whose version it does not understand rather than guess at its meaning.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(ConfigCommandMessage), "config-command")]
[JsonDerivedType(typeof(StateAnnouncement), "state-announcement")]
[JsonDerivedType(typeof(StateTransfer), "state-transfer")]
[JsonDerivedType(typeof(TransientAttributeSet), "transient-attribute")]
[JsonDerivedType(typeof(CommandApplied), "command-applied")]
[JsonDerivedType(typeof(CommandsApplied), "commands-applied")]
[JsonDerivedType(typeof(AcknowledgementRequested), "acknowledgement-requested")]
[JsonDerivedType(typeof(Controller.OperationResultRecorded), "operation-result")]
[JsonDerivedType(typeof(Controller.NodeFenced), "node-fenced")]
[JsonDerivedType(typeof(Controller.FailCountsCleared), "fail-counts-cleared")]
[JsonDerivedType(typeof(Controller.ActionRequest), "action-request")]
[JsonDerivedType(typeof(Controller.ResourceCleanup), "resource-cleanup")]
[JsonDerivedType(typeof(Controller.NodeLeaving), "node-leaving")]
public abstract record ClusterMessage
{
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, ConfigJson.Options);

    /// <summary>Decodes a message, or returns null with the reason when it cannot be understood.</summary>
    public static ClusterMessage? TryDecode(byte[] payload, out string? reason)
    {
        try
        {
            var message = JsonSerializer.Deserialize<ClusterMessage>(payload, ConfigJson.Options);
            if (message is null) { reason = "empty message"; return null; }
            if (message.Format != CurrentFormat)
            {
                reason = $"wire format {message.Format} is not understood (this node speaks {CurrentFormat})";
                return null;
            }
            reason = null;
            return message;
        }
        catch (JsonException e)
        {
            reason = $"undecodable message: {e.Message}";
            return null;
        }
        catch (NotSupportedException e)
        {
            reason = $"unknown message type: {e.Message}";
            return null;
        }
    }
}

/// <summary>A configuration change proposed by one node, applied by all in delivery order.</summary>
public sealed record ConfigCommandMessage(CommandEnvelope Envelope) : ClusterMessage;

/// <summary>
/// Sent by every member after each view change: what configuration version it holds and its own transient node
/// attributes. Once every member of the view has announced, all agree (from the same delivered messages) on
/// which member holds the newest configuration. Features name the messages added to wire format 1 that the sender
/// understands; a member uses one only when every member of the view announced it (older nodes ignore the property
/// and announce none), so nodes of two releases can be members of one view during a rolling upgrade.
/// </summary>
public sealed record StateAnnouncement(string ViewTag, long Term, ConfigVersion Version, IReadOnlyDictionary<string, string> TransientAttributes,
    IReadOnlyList<string>? Features = null) : ClusterMessage;

/// <summary>The newest configuration, sent by the member chosen after a view change to those that hold an older one.</summary>
public sealed record StateTransfer(string ViewTag, long Term, ClusterConfig Config, IReadOnlyList<ChangeRecord> History) : ClusterMessage;

/// <summary>A transient (runtime, not persisted) node attribute changed on its node; null deletes it.</summary>
public sealed record TransientAttributeSet(string Node, string Name, string? Value) : ClusterMessage;

/// <summary>A member applied a command; the proposer acknowledges its client once a majority of nodes has.</summary>
public sealed record CommandApplied(Guid CommandId) : ClusterMessage
{
    /// <summary>The <see cref="StateAnnouncement.Features"/> entry of nodes that acknowledge only the commands of the
    /// proposers that wait for them, and answer an <see cref="AcknowledgementRequested"/>.</summary>
    public const string DesignatedFeature = "designated-acknowledgements";
}

/// <summary>
/// The proposer of a command still lacks acknowledgements after a grace period (a designated member is slow or has
/// stopped applying): every member that applied the command and made it durable acknowledges it.
/// </summary>
public sealed record AcknowledgementRequested(Guid CommandId) : ClusterMessage;

/// <summary>A member applied these commands, made durable by one sync: one message instead of one per command.</summary>
public sealed record CommandsApplied(IReadOnlyList<Guid> CommandIds) : ClusterMessage
{
    /// <summary>The <see cref="StateAnnouncement.Features"/> entry of nodes that understand this message.</summary>
    public const string Feature = "commands-applied";
}
