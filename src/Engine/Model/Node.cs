using System.Collections.Immutable;

namespace HaApi.Engine.Model;

/// <summary>A cluster node as configured. Permanent attributes include standby and maintenance, as in Pacemaker.</summary>
public sealed record Node(
    string Name,
    uint Id,
    ImmutableArray<string> Addresses,
    ImmutableSortedDictionary<string, string> Attributes)
{
    public const string StandbyAttribute = "standby";
    public const string MaintenanceAttribute = "maintenance";

    public bool Standby => Model.Attributes.IsTrue(Attributes.Get(StandbyAttribute));
    public bool Maintenance => Model.Attributes.IsTrue(Attributes.Get(MaintenanceAttribute));
}
