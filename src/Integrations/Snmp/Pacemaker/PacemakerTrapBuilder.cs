using System.Collections.Immutable;

namespace HaApi.Integrations.Snmp.Pacemaker;

/// <summary>
/// Builds the varbind list of a pacemakerNotificationTrap exactly as alert_snmp.sh (Pacemaker ≥ 2.0.1) makes
/// snmptrap send it: sysUpTime.0, snmpTrapOID.0, all nine objects in MIB order with placeholders for those that
/// do not apply, then hrSystemDate as an 8-octet DateAndTime when enabled. <see cref="Legacy"/> sends only the
/// objects that apply to the kind, as the agents of Pacemaker 1.1.15–2.0.0 did, for receivers written against them.
/// </summary>
public sealed record PacemakerTrapBuilder(
    bool AddHiresTimestamp = true,
    string IgnoreString = PacemakerMib.IgnoreString,
    int IgnoreInt32 = PacemakerMib.IgnoreInt32,
    bool Legacy = false)
{
    public ImmutableArray<VarBind> Build(PacemakerNotification n, uint upTimeTicks, TimeZoneInfo zone)
    {
        var list = ImmutableArray.CreateBuilder<VarBind>(AddHiresTimestamp ? 12 : 11);
        list.Add(new VarBind(PacemakerMib.SysUpTime, new SnmpTimeTicks(upTimeTicks)));
        list.Add(new VarBind(PacemakerMib.SnmpTrapOid, new SnmpOid(PacemakerMib.NotificationTrap)));
        if (Legacy)
        {
            AddLegacyObjects(list, n);
        }
        else
        {
            AddAllObjects(list, n);
        }
        if (AddHiresTimestamp)
            list.Add(new VarBind(PacemakerMib.HrSystemDate, new SnmpOctetString(DateAndTime.Encode(n.Time, zone))));
        return list.ToImmutable();
    }

    private void AddAllObjects(ImmutableArray<VarBind>.Builder list, PacemakerNotification n)
    {
        list.Add(Text(PacemakerMib.Node, n.Node));
        list.Add(Text(PacemakerMib.Resource, n.Resource));
        list.Add(Text(PacemakerMib.Operation, n.Operation));
        list.Add(Text(PacemakerMib.Description, n.Description));
        list.Add(Number(PacemakerMib.Status, n.Status));
        list.Add(Number(PacemakerMib.ReturnCode, n.ReturnCode));
        list.Add(Number(PacemakerMib.TargetReturnCode, n.TargetReturnCode));
        list.Add(Text(PacemakerMib.AttributeName, n.AttributeName));
        list.Add(Text(PacemakerMib.AttributeValue, n.AttributeValue));
    }

    /// <summary>monitoring-formats.md B.4 "Legacy agent" table.</summary>
    private void AddLegacyObjects(ImmutableArray<VarBind>.Builder list, PacemakerNotification n)
    {
        list.Add(Text(PacemakerMib.Node, n.Node));
        switch (n.Kind)
        {
            case Engine.Model.AlertKinds.Node:
                list.Add(Text(PacemakerMib.Description, n.Description));
                break;
            case Engine.Model.AlertKinds.Fencing:
                list.Add(Text(PacemakerMib.Operation, n.Operation));
                list.Add(Text(PacemakerMib.Description, n.Description));
                list.Add(Number(PacemakerMib.ReturnCode, n.ReturnCode));
                break;
            case Engine.Model.AlertKinds.Resource:
                list.Add(Text(PacemakerMib.Resource, n.Resource));
                list.Add(Text(PacemakerMib.Operation, n.Operation));
                list.Add(Text(PacemakerMib.Description, n.Description));
                list.Add(Number(PacemakerMib.Status, n.Status));
                list.Add(Number(PacemakerMib.ReturnCode, n.ReturnCode));
                list.Add(Number(PacemakerMib.TargetReturnCode, n.TargetReturnCode));
                break;
            case Engine.Model.AlertKinds.Attribute:
                list.Add(Text(PacemakerMib.AttributeName, n.AttributeName));
                list.Add(Text(PacemakerMib.AttributeValue, n.AttributeValue));
                break;
        }
    }

    private VarBind Text(ObjectIdentifier oid, string? value) => new(oid, new SnmpOctetString(value ?? IgnoreString));

    private VarBind Number(ObjectIdentifier oid, int? value) => new(oid, new SnmpInteger(value ?? IgnoreInt32));
}
