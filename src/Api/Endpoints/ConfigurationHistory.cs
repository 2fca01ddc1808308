using HaApi.Engine.Cluster;
using HaApi.Engine.Model;

namespace HaApi.Api.Endpoints;

internal sealed class ConfigurationHistory(ConfigurationReplica replica)
{
    public IEnumerable<ChangeRecord> Recent(int limit) => replica.State.History.Reverse().Take(limit);
}
