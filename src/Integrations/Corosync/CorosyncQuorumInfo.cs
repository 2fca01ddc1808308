using System.Collections.Immutable;

namespace HaApi.Integrations.Corosync;

/// <summary>
/// The detail votequorum reports beyond the engine's QuorumChanged: vote counts, the quorum policy flags and the
/// quorum device (qdevice) state. Read from votequorum_getinfo at every quorum notification.
/// </summary>
public sealed record CorosyncQuorumInfo(
    bool Quorate,
    uint ExpectedVotes,
    uint HighestExpectedVotes,
    uint TotalVotes,
    uint QuorumVotes,
    ImmutableArray<uint> Members,
    bool TwoNode,
    bool WaitForAll,
    bool LastManStanding,
    bool AutoTieBreaker,
    QdeviceState Qdevice);

/// <summary>The quorum device as votequorum sees it; Name is empty when none is registered.</summary>
public sealed record QdeviceState(bool Registered, bool Alive, bool CastsVote, bool MasterWins, uint Votes, string Name);
