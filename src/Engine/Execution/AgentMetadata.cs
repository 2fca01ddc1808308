using System.Collections.Immutable;
using System.Xml;
using System.Xml.Linq;
using HaApi.Engine.Model;

namespace HaApi.Engine.Execution;

/// <summary>One parameter an agent declares in its meta-data.</summary>
/// <param name="Unique">unique="1" (deprecated) or a unique-group: no two resources may share the value.</param>
/// <param name="Private">private="1": a secret (Pacemaker keeps it out of recorded operation parameters).</param>
/// <param name="Type">boolean, string, integer or select; Options lists a select's values.</param>
public sealed record AgentParameter(
    string Name,
    bool Required,
    bool Unique,
    bool Reloadable,
    bool Private,
    bool Deprecated,
    string Type,
    string? Default,
    ImmutableArray<string> Options,
    string? ShortDescription,
    string? LongDescription);

/// <summary>One action an agent advertises, with its suggested timeout/interval (hints: Pacemaker applies 20s unless
/// the operator configures otherwise).</summary>
public sealed record AgentAction(string Name, TimeSpan? Timeout, TimeSpan? Interval, int? Depth, Role? Role);

/// <summary>
/// An agent's meta-data (OCF RA API 1.0/1.1 ra-api schema), parsed leniently as real agents need: DOCTYPE ignored and
/// never fetched, unknown elements skipped, version 1.0 and 1.1 spellings (unique="1" and unique-group,
/// Master/Slave and Promoted/Unpromoted roles) both understood.
/// </summary>
public sealed record AgentMetadata(
    string Name,
    string? AgentVersion,
    string? OcfVersion,
    string? ShortDescription,
    string? LongDescription,
    ImmutableArray<AgentParameter> Parameters,
    ImmutableArray<AgentAction> Actions)
{
    /// <summary>Bound on the meta-data document accepted (IPaddr2's is about 20 KB).</summary>
    public const int MaxLength = 1024 * 1024;

    /// <summary>Names treated as secrets when no parameter of the agent is marked private (Pacemaker's rule).</summary>
    private static readonly ImmutableHashSet<string> ImplicitlyPrivate = ["password", "passwd", "user"];

    public AgentParameter? Parameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>Whether a parameter's value must be kept out of logs, events and API output.</summary>
    public bool IsSecret(string name) =>
        Parameters.Any(p => p.Private) ? Parameter(name)?.Private == true : ImplicitlyPrivate.Contains(name);

    /// <summary>The advertised action matching name (and, for monitors, role), if any.</summary>
    public AgentAction? Action(string name, Role? role = null) =>
        Actions.FirstOrDefault(a => a.Name == name && (role is null || a.Role == role)) ?? Actions.FirstOrDefault(a => a.Name == name);

    public static bool TryParse(string? xml, out AgentMetadata? metadata, out string? error)
    {
        metadata = null;
        error = null;
        if (string.IsNullOrWhiteSpace(xml)) { error = "the agent printed no meta-data"; return false; }
        if (xml.Length > MaxLength) { error = $"meta-data is larger than {MaxLength} characters"; return false; }
        XDocument doc;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            error = $"meta-data is not well-formed XML: {e.Message}";
            return false;
        }
        var root = doc.Root;
        if (root is null || root.Name.LocalName != "resource-agent") { error = "meta-data has no <resource-agent> root element"; return false; }

        var parameters = ImmutableArray.CreateBuilder<AgentParameter>();
        foreach (var p in root.Element("parameters")?.Elements("parameter") ?? [])
        {
            var name = (string?)p.Attribute("name");
            if (string.IsNullOrEmpty(name)) continue;
            var content = p.Element("content");
            parameters.Add(new AgentParameter(
                name,
                Flag(p, "required"),
                Flag(p, "unique") || !string.IsNullOrEmpty((string?)p.Attribute("unique-group")),
                Flag(p, "reloadable"),
                Flag(p, "private"),
                p.Element("deprecated") is not null,
                (string?)content?.Attribute("type") ?? "string",
                (string?)content?.Attribute("default"),
                content?.Elements("option").Select(o => (string?)o.Attribute("value")).OfType<string>().ToImmutableArray() ?? [],
                Text(p, "shortdesc"),
                Text(p, "longdesc")));
        }

        var actions = ImmutableArray.CreateBuilder<AgentAction>();
        foreach (var a in root.Element("actions")?.Elements("action") ?? [])
        {
            var name = (string?)a.Attribute("name");
            if (string.IsNullOrEmpty(name)) continue;
            actions.Add(new AgentAction(
                name,
                DurationOf(a, "timeout"),
                DurationOf(a, "interval"),
                int.TryParse((string?)a.Attribute("depth"), out var depth) ? depth : null,
                RoleNames.TryParse((string?)a.Attribute("role"), out var role) && role != Role.Unknown ? role : null));
        }

        metadata = new AgentMetadata(
            (string?)root.Attribute("name") ?? "",
            (string?)root.Attribute("version"),
            root.Element("version")?.Value.Trim(),
            Text(root, "shortdesc"),
            Text(root, "longdesc"),
            parameters.ToImmutable(),
            actions.ToImmutable());
        return true;
    }

    private static bool Flag(XElement e, string attribute) => Attributes.IsTrue((string?)e.Attribute(attribute));

    /// <summary>The English description if there is one, else the first; whitespace collapsed.</summary>
    private static string? Text(XElement parent, string element)
    {
        var candidates = parent.Elements(element).ToList();
        var chosen = candidates.FirstOrDefault(d => ((string?)d.Attribute("lang") ?? "en").StartsWith("en", StringComparison.OrdinalIgnoreCase))
            ?? candidates.FirstOrDefault();
        if (chosen is null) return null;
        var text = string.Join(' ', chosen.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length == 0 ? null : text;
    }

    /// <summary>Agents write "20s", "2m", "1d" or a bare number of seconds.</summary>
    private static TimeSpan? DurationOf(XElement e, string attribute)
    {
        var text = ((string?)e.Attribute(attribute))?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        if (text.EndsWith('d') && double.TryParse(text[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var days))
            return TimeSpan.FromDays(days);
        return Duration.TryParse(text, out var value) ? value : null;
    }
}
