namespace HaApi.Integrations.Corosync;

/// <summary>A node of corosync's nodelist (cmap nodelist.node.N): its id, name and ring0 address.</summary>
public sealed record CorosyncNode(uint NodeId, string Name, string? Address);
