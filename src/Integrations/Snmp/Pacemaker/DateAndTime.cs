namespace HaApi.Integrations.Snmp.Pacemaker;

/// <summary>
/// SNMPv2-TC DateAndTime in its 8-octet form (year big-endian, month, day, hour, minute, second, deci-second),
/// which is what snmptrap puts on the wire for the sample agent's "YYYY-MM-DD,HH:MM:SS.d" when it knows the MIB.
/// Like the agent, local time without a zone.
/// </summary>
public static class DateAndTime
{
    public static byte[] Encode(DateTime localTime) =>
    [
        (byte)(localTime.Year >> 8), (byte)localTime.Year, (byte)localTime.Month, (byte)localTime.Day,
        (byte)localTime.Hour, (byte)localTime.Minute, (byte)localTime.Second, (byte)(localTime.Millisecond / 100),
    ];

    public static byte[] Encode(DateTimeOffset time, TimeZoneInfo zone) => Encode(TimeZoneInfo.ConvertTime(time, zone).DateTime);
}
