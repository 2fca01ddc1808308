// cpgnode talks to corosync through libcpg: Linux only, like HaApi.Integrations.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
