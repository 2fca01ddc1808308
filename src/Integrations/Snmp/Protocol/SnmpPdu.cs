using System.Collections.Immutable;
using HaApi.Integrations.Snmp.Ber;

namespace HaApi.Integrations.Snmp.Protocol;

/// <summary>
/// An SNMPv2 PDU (RFC 3416): the same layout for Trap, InformRequest, Response and Report. For a Report,
/// RequestId is the one of the request that caused it (or 0 when it could not be read).
/// </summary>
public sealed record SnmpPdu(byte Type, int RequestId, int ErrorStatus, int ErrorIndex, ImmutableArray<VarBind> VarBinds)
{
    public void WriteTo(BerWriter writer)
    {
        writer.BeginConstructed(Type);
        writer.WriteInteger(RequestId);
        writer.WriteInteger(ErrorStatus);
        writer.WriteInteger(ErrorIndex);
        writer.BeginSequence();
        foreach (var vb in VarBinds)
        {
            writer.BeginSequence();
            writer.WriteObjectIdentifier(vb.Oid);
            vb.Value.WriteTo(writer);
            writer.EndConstructed();
        }
        writer.EndConstructed();
        writer.EndConstructed();
    }

    public static SnmpPdu ReadFrom(ref BerReader reader)
    {
        int at = reader.Offset;
        byte type = reader.PeekTag();
        if (type is < BerTag.GetRequestPdu or > BerTag.ReportPdu) throw new BerException($"Not a PDU tag: 0x{type:X2}", at);
        var pdu = reader.ReadConstructed(type);
        int requestId = checked((int)pdu.ReadInteger());
        int errorStatus = checked((int)pdu.ReadInteger());
        int errorIndex = checked((int)pdu.ReadInteger());
        var list = pdu.ReadSequence();
        var varBinds = ImmutableArray.CreateBuilder<VarBind>();
        while (list.HasData)
        {
            var vb = list.ReadSequence();
            var oid = vb.ReadObjectIdentifier();
            var value = SnmpValue.ReadFrom(ref vb);
            varBinds.Add(new VarBind(oid, value));
        }
        return new SnmpPdu(type, requestId, errorStatus, errorIndex, varBinds.ToImmutable());
    }
}
