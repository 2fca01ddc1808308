namespace HaApi.Integrations; public static class Placeholder {}
