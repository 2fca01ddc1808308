using HaApi.Engine.Model;

namespace HaApi.Engine.Config;

/// <summary>
/// A command as proposed by one node. Time and author travel with the command so that every node records
/// the same change. ExpectedVersion carries an HTTP If-Match and is checked at apply time, in total order.
/// </summary>
public sealed record CommandEnvelope(
    Guid Id,
    string Author,
    string ViaNode,
    DateTimeOffset Time,
    ConfigVersion? ExpectedVersion,
    ConfigCommand Command);
