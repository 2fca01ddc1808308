namespace HaApi.Engine.Controller;

/// <summary>
/// Sends a resource operation to the node that must run it. Must not block and must not call back into the
/// controller synchronously with the result: the result comes back later, as an <see cref="OperationResultRecorded"/>
/// delivered to every node (the DC's controller matches it by <see cref="ActionRequest.TransitionKey"/>).
/// </summary>
public interface IActionDispatcher
{
    void Dispatch(ActionRequest request);
}
