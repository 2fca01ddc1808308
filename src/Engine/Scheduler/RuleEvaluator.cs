using System.Globalization;
using HaApi.Engine.Model;

namespace HaApi.Engine.Scheduler;

/// <summary>Evaluates location rules against a node's attributes with Pacemaker 2.1's comparison semantics.</summary>
internal static class RuleEvaluator
{
    public static bool Matches(Rule rule, NodeInfo node)
    {
        if (rule.Expressions.IsEmpty) return true;
        return rule.BooleanOp == BooleanOp.Or
            ? rule.Expressions.Any(e => Matches(e, node))
            : rule.Expressions.All(e => Matches(e, node));
    }

    public static bool Matches(RuleExpression e, NodeInfo node)
    {
        var left = node.Attribute(e.Attribute);
        var right = e.Value;
        switch (e.Operation)
        {
            case ExpressionOperation.Defined: return left is not null;
            case ExpressionOperation.NotDefined: return left is null;
        }
        var cmp = Compare(left, right, e.Type, e.Operation);
        return e.Operation switch
        {
            ExpressionOperation.Eq => cmp == 0,
            ExpressionOperation.Ne => cmp != 0,
            _ when left is null || right is null => false,
            ExpressionOperation.Lt => cmp < 0,
            ExpressionOperation.Lte => cmp <= 0,
            ExpressionOperation.Gt => cmp > 0,
            ExpressionOperation.Gte => cmp >= 0,
            _ => false,
        };
    }

    private static int Compare(string? left, string? right, ExpressionType? type, ExpressionOperation op)
    {
        if (left is null || right is null)
            return left is null && right is null ? 0 : right is null ? 1 : -1;
        // Without a type, ordering comparisons are numeric (floating point if either side has a '.').
        type ??= op is ExpressionOperation.Lt or ExpressionOperation.Lte or ExpressionOperation.Gt or ExpressionOperation.Gte
            ? (left.Contains('.') || right.Contains('.') ? ExpressionType.Number : ExpressionType.Integer)
            : ExpressionType.String;
        switch (type)
        {
            case ExpressionType.Integer:
                if (TryInteger(left, out var li) && TryInteger(right, out var ri)) return li.CompareTo(ri);
                return CompareStrings(left, right);
            case ExpressionType.Number:
                if (TryNumber(left, out var ld) && TryNumber(right, out var rd)) return ld.CompareTo(rd);
                return CompareStrings(left, right);
            case ExpressionType.Version:
                return CompareVersions(left, right);
            default:
                return CompareStrings(left, right);
        }
    }

    private static int CompareStrings(string a, string b) => Math.Sign(string.Compare(a, b, StringComparison.OrdinalIgnoreCase));

    /// <summary>Like strtoll: a leading integer is enough ("3.4" reads as 3).</summary>
    private static bool TryInteger(string text, out long value)
    {
        value = 0;
        var t = text.TrimStart();
        var end = 0;
        if (end < t.Length && (t[end] == '-' || t[end] == '+')) end++;
        var digitsStart = end;
        while (end < t.Length && char.IsAsciiDigit(t[end])) end++;
        if (end == digitsStart) return false;
        return long.TryParse(t.AsSpan(0, end), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static int CompareVersions(string a, string b)
    {
        var pa = a.Split('.');
        var pb = b.Split('.');
        for (var i = 0; i < Math.Max(pa.Length, pb.Length); i++)
        {
            long.TryParse(i < pa.Length ? pa[i] : "0", out var x);
            long.TryParse(i < pb.Length ? pb[i] : "0", out var y);
            if (x != y) return x.CompareTo(y);
        }
        return 0;
    }
}
