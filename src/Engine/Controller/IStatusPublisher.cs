using HaApi.Engine.Cluster;

namespace HaApi.Engine.Controller;

/// <summary>
/// Multicasts a status record (<see cref="NodeFenced"/>, <see cref="FailCountsCleared"/>, an
/// <see cref="OperationResultRecorded"/> the DC writes for an action that timed out) to every node, this one included.
/// The DC changes its own status only when the record is delivered back, so all copies change at the same point of
/// the agreed order. Must not call back synchronously.
/// </summary>
public interface IStatusPublisher
{
    void Publish(ClusterMessage record);
}
