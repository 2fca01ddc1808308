using System.Collections.Immutable;
using System.Globalization;

namespace HaApi.Integrations.Snmp;

/// <summary>An SNMP OBJECT IDENTIFIER; value equality, printed in dotted form without a leading dot.</summary>
public sealed class ObjectIdentifier : IEquatable<ObjectIdentifier>
{
    public ObjectIdentifier(ImmutableArray<uint> arcs)
    {
        if (arcs.Length < 2) throw new ArgumentException("An OID has at least two arcs.", nameof(arcs));
        if (arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40))
            throw new ArgumentException($"Invalid first arcs {arcs[0]}.{arcs[1]}.", nameof(arcs));
        Arcs = arcs;
    }

    public ImmutableArray<uint> Arcs { get; }

    /// <summary>Parses "1.3.6.1" or ".1.3.6.1".</summary>
    public static ObjectIdentifier Parse(string dotted)
    {
        var parts = dotted.TrimStart('.').Split('.');
        var arcs = ImmutableArray.CreateBuilder<uint>(parts.Length);
        foreach (var part in parts)
        {
            if (!uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out uint arc))
                throw new FormatException($"'{dotted}' is not a dotted OID.");
            arcs.Add(arc);
        }
        return new ObjectIdentifier(arcs.ToImmutable());
    }

    /// <summary>This OID with more arcs appended (an instance suffix such as .0).</summary>
    public ObjectIdentifier Append(params uint[] more) => new(Arcs.AddRange(more));

    public bool Equals(ObjectIdentifier? other) => other is not null && Arcs.AsSpan().SequenceEqual(other.Arcs.AsSpan());

    public override bool Equals(object? obj) => Equals(obj as ObjectIdentifier);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (uint arc in Arcs) hash.Add(arc);
        return hash.ToHashCode();
    }

    public override string ToString() => string.Join('.', Arcs);

    public static bool operator ==(ObjectIdentifier? a, ObjectIdentifier? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(ObjectIdentifier? a, ObjectIdentifier? b) => !(a == b);
}
