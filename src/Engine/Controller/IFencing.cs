namespace HaApi.Engine.Controller;

/// <summary>
/// Starts fencing a node (the adapter runs <see cref="Fencing.Fencer"/>). Must not block and must not call back
/// synchronously: the outcome comes back through <see cref="TransitionEngine.FencingCompleted"/>.
/// </summary>
public interface IFencing
{
    void Fence(FencingOrder order);
}

/// <summary>Fence Target with Action ("reboot" or "off"); Timeout is the stonith-timeout budget.</summary>
public sealed record FencingOrder(string TransitionKey, string Target, string Action, TimeSpan Timeout);
