using System.Text.Json;
using System.Text.Json.Serialization;
using HaApi.Engine.Config;

namespace HaApi.Engine.Cluster;

/// <summary>
/// What nodes multicast to each other. Every message carries the wire format version; a node drops (and logs)
/// a message whose version it does not understand rather than guess at its meaning.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(ConfigCommandMessage), "config-command")]
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
