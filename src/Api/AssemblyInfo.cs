// HaApi runs on Linux only: corosync, OCF agents and fence agents exist nowhere else.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
