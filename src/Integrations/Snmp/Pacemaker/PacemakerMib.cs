namespace HaApi.Integrations.Snmp.Pacemaker;

/// <summary>
/// OIDs of PACEMAKER-MIB (enterprise 32723, shipped in the repository's mibs/ folder) and the standard objects a
/// Pacemaker trap carries. The pacemakerNotification objects are scalars sent without the .0 instance suffix,
/// exactly as Pacemaker's alert_snmp.sh sends them.
/// </summary>
public static class PacemakerMib
{
    public static readonly ObjectIdentifier SysUpTime = ObjectIdentifier.Parse("1.3.6.1.2.1.1.3.0");
    public static readonly ObjectIdentifier SnmpTrapOid = ObjectIdentifier.Parse("1.3.6.1.6.3.1.1.4.1.0");

    /// <summary>HOST-RESOURCES-MIB::hrSystemDate, also without instance suffix (as the sample agent sends it).</summary>
    public static readonly ObjectIdentifier HrSystemDate = ObjectIdentifier.Parse("1.3.6.1.2.1.25.1.2");

    public static readonly ObjectIdentifier Pacemaker = ObjectIdentifier.Parse("1.3.6.1.4.1.32723");
    public static readonly ObjectIdentifier NotificationTrap = ObjectIdentifier.Parse("1.3.6.1.4.1.32723.2.1");

    public static readonly ObjectIdentifier Node = Object(1);
    public static readonly ObjectIdentifier Resource = Object(2);
    public static readonly ObjectIdentifier Operation = Object(3);
    public static readonly ObjectIdentifier Description = Object(4);
    public static readonly ObjectIdentifier Status = Object(5);
    public static readonly ObjectIdentifier ReturnCode = Object(6);
    public static readonly ObjectIdentifier TargetReturnCode = Object(7);
    public static readonly ObjectIdentifier AttributeName = Object(8);
    public static readonly ObjectIdentifier AttributeValue = Object(9);

    // SNMP-USER-BASED-SM-MIB usmStats counters a Report carries (RFC 3414 §5).
    public static readonly ObjectIdentifier UsmStatsUnsupportedSecLevels = ObjectIdentifier.Parse("1.3.6.1.6.3.15.1.1.1.0");
    public static readonly ObjectIdentifier UsmStatsNotInTimeWindows = ObjectIdentifier.Parse("1.3.6.1.6.3.15.1.1.2.0");
    public static readonly ObjectIdentifier UsmStatsUnknownUserNames = ObjectIdentifier.Parse("1.3.6.1.6.3.15.1.1.3.0");
    public static readonly ObjectIdentifier UsmStatsUnknownEngineIds = ObjectIdentifier.Parse("1.3.6.1.6.3.15.1.1.4.0");
    public static readonly ObjectIdentifier UsmStatsWrongDigests = ObjectIdentifier.Parse("1.3.6.1.6.3.15.1.1.5.0");
    public static readonly ObjectIdentifier UsmStatsDecryptionErrors = ObjectIdentifier.Parse("1.3.6.1.6.3.15.1.1.6.0");

    /// <summary>Integer32 placeholder for "does not apply" (alert_snmp.sh trap_ignore_int32).</summary>
    public const int IgnoreInt32 = int.MaxValue;

    /// <summary>String placeholder for "does not apply" (alert_snmp.sh trap_ignore_string).</summary>
    public const string IgnoreString = "n/a";

    private static ObjectIdentifier Object(uint n) => ObjectIdentifier.Parse($"1.3.6.1.4.1.32723.1.{n}");
}
