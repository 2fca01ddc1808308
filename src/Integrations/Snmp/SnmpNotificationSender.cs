using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HaApi.Integrations.Snmp.Ber;
using HaApi.Integrations.Snmp.Pacemaker;
using HaApi.Integrations.Snmp.Protocol;
using HaApi.Integrations.Snmp.Usm;

namespace HaApi.Integrations.Snmp;

/// <summary>
/// Sends SNMPv2-Trap and InformRequest PDUs over UDP, v2c or v3/USM. Traps go out on one shared socket per
/// address family; each inform gets its own connected socket so that only its own Response (or an ICMP
/// unreachable) is read. Informs to a v3 receiver first discover its engine id, boots and time (RFC 3414 §4),
/// cached per endpoint. Every wait is bounded: timeout × (retries + 1), plus one re-synchronisation when the
/// receiver reports our time is outside its window.
/// </summary>
public sealed class SnmpNotificationSender : IDisposable
{
    private readonly SnmpLocalEngine _localEngine;
    private readonly ConcurrentDictionary<IPEndPoint, RemoteEngine> _remoteEngines = new();
    private readonly Lock _socketGate = new();
    private Socket? _trapSocketV4;
    private Socket? _trapSocketV6;

    public SnmpNotificationSender(SnmpLocalEngine localEngine) => _localEngine = localEngine;

    public SnmpLocalEngine LocalEngine => _localEngine;

    /// <summary>Sends a trap (fire and forget) or an inform (waits for the Response).</summary>
    public async Task<SnmpSendResult> SendAsync(
        IPEndPoint receiver, SnmpSecurity security, ImmutableArray<VarBind> varBinds,
        bool inform, TimeSpan informTimeout, int informRetries, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(informRetries);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(informTimeout, TimeSpan.Zero);
        try
        {
            if (!inform) return await SendTrapAsync(receiver, security, varBinds, cancellationToken).ConfigureAwait(false);
            return security switch
            {
                SnmpSecurity.V2c v2c => await InformV2cAsync(receiver, v2c, varBinds, informTimeout, informRetries, cancellationToken).ConfigureAwait(false),
                SnmpSecurity.V3 v3 => await InformV3Async(receiver, v3.User, varBinds, informTimeout, informRetries, cancellationToken).ConfigureAwait(false),
                _ => throw new UnreachableException(),
            };
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return new SnmpSendResult(SnmpSendOutcome.Refused, "ICMP port unreachable");
        }
        catch (SocketException e)
        {
            return new SnmpSendResult(SnmpSendOutcome.Failed, $"socket error {e.SocketErrorCode}");
        }
    }

    private async Task<SnmpSendResult> SendTrapAsync(IPEndPoint receiver, SnmpSecurity security, ImmutableArray<VarBind> varBinds, CancellationToken ct)
    {
        var pdu = new SnmpPdu(BerTag.SnmpV2TrapPdu, NewId(), 0, 0, varBinds);
        byte[] datagram = security switch
        {
            SnmpSecurity.V2c v2c => SnmpV2cMessage.Encode(v2c.Community, pdu),
            SnmpSecurity.V3 v3 => SnmpV3Message.Encode(
                NewId(), reportable: false, v3.User, v3.TrapEngineId ?? _localEngine.EngineId, _localEngine.Boots,
                _localEngine.Time, v3.TrapEngineId ?? _localEngine.EngineId, pdu),
            _ => throw new UnreachableException(),
        };
        await TrapSocket(receiver.AddressFamily).SendToAsync(datagram, SocketFlags.None, receiver, ct).ConfigureAwait(false);
        return new SnmpSendResult(SnmpSendOutcome.Sent);
    }

    private static async Task<SnmpSendResult> InformV2cAsync(
        IPEndPoint receiver, SnmpSecurity.V2c security, ImmutableArray<VarBind> varBinds, TimeSpan timeout, int retries, CancellationToken ct)
    {
        // Retransmissions keep the request id, so a late Response to an earlier copy still counts.
        int requestId = NewId();
        byte[] datagram = SnmpV2cMessage.Encode(security.Community, new SnmpPdu(BerTag.InformRequestPdu, requestId, 0, 0, varBinds));
        using var socket = Connect(receiver);
        var (reply, attempts) = await ExchangeAsync(socket, _ => datagram, bytes =>
        {
            if (SnmpV2cMessage.PeekVersion(bytes) != SnmpV2cMessage.Version) return null;
            var pdu = SnmpV2cMessage.Decode(bytes, out _);
            return pdu.Type == BerTag.ResponsePdu && pdu.RequestId == requestId ? pdu : null;
        }, timeout, retries, ct).ConfigureAwait(false);
        if (reply is null) return new SnmpSendResult(SnmpSendOutcome.TimedOut, "no Response to the InformRequest", attempts);
        return reply.ErrorStatus == 0
            ? new SnmpSendResult(SnmpSendOutcome.Acknowledged, null, attempts)
            : new SnmpSendResult(SnmpSendOutcome.Rejected, $"Response error-status {reply.ErrorStatus}", attempts);
    }

    private async Task<SnmpSendResult> InformV3Async(
        IPEndPoint receiver, UsmUser user, ImmutableArray<VarBind> varBinds, TimeSpan timeout, int retries, CancellationToken ct)
    {
        using var socket = Connect(receiver);
        int totalAttempts = 0;
        // Pass 2 only happens after the receiver told us its engine id, boots or time differ from what we had.
        for (int pass = 0; pass < 2; pass++)
        {
            if (!_remoteEngines.TryGetValue(receiver, out var remote))
            {
                var (discovered, discoveryAttempts) = await DiscoverAsync(socket, timeout, retries, ct).ConfigureAwait(false);
                totalAttempts += discoveryAttempts;
                if (discovered is null)
                    return new SnmpSendResult(SnmpSendOutcome.TimedOut, "no Report to SNMPv3 engine discovery", totalAttempts);
                remote = discovered;
                _remoteEngines[receiver] = remote;
            }

            int requestId = NewId();
            var pdu = new SnmpPdu(BerTag.InformRequestPdu, requestId, 0, 0, varBinds);
            var messageIds = new HashSet<int>();
            var (reply, attempts) = await ExchangeAsync(socket, _ =>
            {
                int messageId = NewId();
                messageIds.Add(messageId);
                return SnmpV3Message.Encode(messageId, reportable: true, user, remote.EngineId, remote.Boots, remote.Time,
                    remote.EngineId, pdu);
            }, bytes =>
            {
                if (SnmpV2cMessage.PeekVersion(bytes) != SnmpV3Message.Version) return null;
                var received = SnmpV3Message.Decode(bytes, user);
                if (!messageIds.Contains(received.MessageId) || received.Pdu is null) return null;
                return received;
            }, timeout, retries, ct).ConfigureAwait(false);
            totalAttempts += attempts;

            if (reply is null) return new SnmpSendResult(SnmpSendOutcome.TimedOut, "no Response to the InformRequest", totalAttempts);
            var replyPdu = reply.Pdu!;
            if (replyPdu.Type == BerTag.ResponsePdu && replyPdu.RequestId == requestId)
            {
                return replyPdu.ErrorStatus == 0
                    ? new SnmpSendResult(SnmpSendOutcome.Acknowledged, null, totalAttempts)
                    : new SnmpSendResult(SnmpSendOutcome.Rejected, $"Response error-status {replyPdu.ErrorStatus}", totalAttempts);
            }
            if (replyPdu.Type != BerTag.ReportPdu)
                return new SnmpSendResult(SnmpSendOutcome.Rejected, $"unexpected PDU 0x{replyPdu.Type:X2}", totalAttempts);

            var reported = replyPdu.VarBinds.IsEmpty ? null : replyPdu.VarBinds[0].Oid;
            if (reported == PacemakerMib.UsmStatsNotInTimeWindows && reply.IsAuthenticated)
            {
                _remoteEngines[receiver] = new RemoteEngine(reply.EngineId, reply.EngineBoots, reply.EngineTime);
                continue;
            }
            if (reported == PacemakerMib.UsmStatsUnknownEngineIds)
            {
                _remoteEngines.TryRemove(receiver, out _);
                continue;
            }
            return new SnmpSendResult(SnmpSendOutcome.Rejected, $"receiver sent Report {ReportName(reported)}", totalAttempts);
        }
        return new SnmpSendResult(SnmpSendOutcome.Rejected, "receiver kept rejecting our engine time or id", totalAttempts);
    }

    /// <summary>RFC 3414 §4: an empty-user, unauthenticated, reportable request makes the receiver Report its engine.</summary>
    private static async Task<(RemoteEngine? Engine, int Attempts)> DiscoverAsync(Socket socket, TimeSpan timeout, int retries, CancellationToken ct)
    {
        int messageId = NewId();
        byte[] probe = SnmpV3Message.Encode(messageId, reportable: true, user: null, [], 0, 0, [],
            new SnmpPdu(BerTag.GetRequestPdu, NewId(), 0, 0, []));
        var (reply, attempts) = await ExchangeAsync(socket, _ => probe, bytes =>
        {
            if (SnmpV2cMessage.PeekVersion(bytes) != SnmpV3Message.Version) return null;
            var received = SnmpV3Message.Decode(bytes, null);
            return received.MessageId == messageId && received.Pdu?.Type == BerTag.ReportPdu && received.EngineId.Length > 0
                ? received
                : null;
        }, timeout, retries, ct).ConfigureAwait(false);
        return (reply is null ? null : new RemoteEngine(reply.EngineId, reply.EngineBoots, reply.EngineTime), attempts);
    }

    /// <summary>
    /// Sends, then reads until <paramref name="accept"/> returns a value or the attempt's timeout passes; retransmits
    /// up to <paramref name="retries"/> times. Undecodable or foreign datagrams are skipped, never fatal.
    /// </summary>
    private static async Task<(T? Reply, int Attempts)> ExchangeAsync<T>(
        Socket socket, Func<int, byte[]> request, Func<byte[], T?> accept, TimeSpan timeout, int retries, CancellationToken ct)
        where T : class
    {
        byte[] buffer = new byte[SnmpV3Message.MaxMessageSize];
        for (int attempt = 0; attempt <= retries; attempt++)
        {
            await socket.SendAsync(request(attempt), SocketFlags.None, ct).ConfigureAwait(false);
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attemptCts.CancelAfter(timeout);
            while (true)
            {
                int received;
                try
                {
                    received = await socket.ReceiveAsync(buffer, SocketFlags.None, attemptCts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    break;
                }
                T? reply;
                try
                {
                    reply = accept(buffer[..received]);
                }
                catch (Exception e) when (e is BerException or SnmpAuthenticationException or OverflowException)
                {
                    reply = null;
                }
                if (reply is not null) return (reply, attempt + 1);
            }
        }
        return (null, retries + 1);
    }

    private static string ReportName(ObjectIdentifier? oid) =>
        oid == PacemakerMib.UsmStatsUnknownUserNames ? "usmStatsUnknownUserNames (user not configured on the receiver)" :
        oid == PacemakerMib.UsmStatsWrongDigests ? "usmStatsWrongDigests (authentication passphrase or protocol differs)" :
        oid == PacemakerMib.UsmStatsDecryptionErrors ? "usmStatsDecryptionErrors (privacy passphrase differs)" :
        oid == PacemakerMib.UsmStatsUnsupportedSecLevels ? "usmStatsUnsupportedSecLevels (security level not allowed for this user)" :
        oid?.ToString() ?? "(empty)";

    private static Socket Connect(IPEndPoint receiver)
    {
        var socket = new Socket(receiver.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Connect(receiver);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private Socket TrapSocket(AddressFamily family)
    {
        lock (_socketGate)
        {
            ref Socket? slot = ref family == AddressFamily.InterNetworkV6 ? ref _trapSocketV6 : ref _trapSocketV4;
            return slot ??= new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        }
    }

    private static int NewId() => Random.Shared.Next(1, int.MaxValue);

    public void Dispose()
    {
        lock (_socketGate)
        {
            _trapSocketV4?.Dispose();
            _trapSocketV6?.Dispose();
        }
    }

    /// <summary>A receiver's engine as last learned; Time advances with our clock since we learned it.</summary>
    private sealed class RemoteEngine(byte[] engineId, int boots, int time)
    {
        private readonly long _learnedAt = Stopwatch.GetTimestamp();

        public byte[] EngineId { get; } = engineId;

        public int Boots { get; } = boots;

        public int Time => (int)Math.Min(time + Stopwatch.GetElapsedTime(_learnedAt).Ticks / TimeSpan.TicksPerSecond, int.MaxValue);
    }
}
