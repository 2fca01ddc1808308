namespace HaApi.Engine.Status;

/// <summary>
/// Pacemaker's node name order (pcmk__numeric_strcasecmp): case-insensitive, with runs of digits compared as
/// numbers, so node9 sorts before node10 and dhcp69 before dhcp180, as crm_mon lists them.
/// </summary>
public sealed class NodeNameComparer : IComparer<string>
{
    public static readonly NodeNameComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null) return x is null ? (y is null ? 0 : -1) : 1;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var si = i;
                var sj = j;
                while (i < x.Length && char.IsAsciiDigit(x[i])) i++;
                while (j < y.Length && char.IsAsciiDigit(y[j])) j++;
                var a = x.AsSpan(si, i - si).TrimStart('0');
                var b = y.AsSpan(sj, j - sj).TrimStart('0');
                if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
                var c = a.CompareTo(b, StringComparison.Ordinal);
                if (c != 0) return c;
                continue;
            }
            var d = char.ToLowerInvariant(x[i]).CompareTo(char.ToLowerInvariant(y[j]));
            if (d != 0) return d;
            i++;
            j++;
        }
        return (x.Length - i).CompareTo(y.Length - j);
    }
}
