namespace HaApi.Engine.Execution;

/// <summary>A transient node attribute an agent published on the node that ran it, e.g. "master-db" = "10"
/// from <c>crm_attribute --promotion -v 10</c>. A null Value deletes the attribute.</summary>
public sealed record AttributeUpdate(string Name, string? Value)
{
    /// <summary>Pacemaker's name for a resource's promotion score; clone instance suffixes (":0") are dropped.</summary>
    public static string PromotionScoreName(string resourceId)
    {
        var colon = resourceId.IndexOf(':');
        return "master-" + (colon >= 0 ? resourceId[..colon] : resourceId);
    }
}
