namespace HaApi.Engine.Fencing;

/// <summary>
/// pcmk_*_retries: attempts share ONE timeout budget. A failed attempt is retried only when it did not time out and
/// less than 70 % of the budget is used; the next attempt gets the rest of the budget. Retrying after a timeout would
/// just burn the remaining budget on a device that is not answering.
/// </summary>
public sealed record FenceRetryPolicy(int Attempts, TimeSpan Budget, TimeSpan Pause)
{
    public const double RetryBudgetFraction = 0.7;
    public const int MaxAttempts = 10;

    public static FenceRetryPolicy For(int retries, TimeSpan budget, TimeSpan pause) =>
        new(Math.Clamp(retries, 1, MaxAttempts), budget, pause);

    public bool ShouldRetry(int attemptsMade, FenceResult last, TimeSpan elapsed) =>
        !last.Success && !last.TimedOut && attemptsMade < Attempts && elapsed + Pause < Budget * RetryBudgetFraction;

    public TimeSpan Remaining(TimeSpan elapsed) => elapsed >= Budget ? TimeSpan.Zero : Budget - elapsed;
}
