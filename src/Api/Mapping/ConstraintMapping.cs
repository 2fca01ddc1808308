using System.Collections.Immutable;
using HaApi.Api.Contracts;
using HaApi.Api.Errors;
using HaApi.Engine.Model;

namespace HaApi.Api.Mapping;

internal static class ConstraintMapping
{
    public static LocationConstraint ToModel(this LocationDto dto, string? routeId)
    {
        var e = new FieldErrors();
        var id = Ids.Resolve(e, dto.Id, routeId);
        var resource = Parse.Required(e, "resource", dto.Resource);
        var score = Parse.Score(e, "score", dto.Score, required: dto.Node is not null);
        var rules = ImmutableArray.CreateBuilder<Rule>();
        for (var i = 0; i < (dto.Rules?.Count ?? 0); i++)
        {
            var r = dto.Rules![i];
            var f = $"rules[{i}]";
            var ruleScore = r.ScoreAttribute is null ? Parse.Score(e, $"{f}.score", r.Score, required: true) : Score.Zero;
            var expressions = ImmutableArray.CreateBuilder<RuleExpression>();
            for (var j = 0; j < (r.Expressions?.Count ?? 0); j++)
            {
                var x = r.Expressions![j];
                var g = $"{f}.expressions[{j}]";
                var attribute = Parse.Required(e, $"{g}.attribute", x.Attribute);
                var op = Parse.Enum(e, $"{g}.operation", x.Operation ?? "eq", ExpressionOperation.Eq);
                ExpressionType? type = x.Type is null ? null : Parse.Enum(e, $"{g}.type", x.Type, ExpressionType.String);
                expressions.Add(new RuleExpression(x.Id ?? $"{id}-rule-{i}-expr-{j}", attribute, op, x.Value, type));
            }
            rules.Add(new Rule(r.Id ?? $"{id}-rule-{i}", ruleScore ?? Score.Zero, Parse.Enum(e, $"{f}.booleanOp", r.BooleanOp, BooleanOp.And),
                expressions.ToImmutable(), r.ScoreAttribute));
        }
        var role = Parse.Role(e, "role", dto.Role);
        e.ThrowIfAny();
        return new LocationConstraint(id, resource, dto.Node, score, rules.ToImmutable(), role, dto.Lifetime);
    }

    public static LocationDto ToDto(this LocationConstraint l) => new()
    {
        Id = l.Id,
        Resource = l.Resource,
        Node = l.Node,
        Score = l.Score?.ToString(),
        Rules = l.Rules.IsDefaultOrEmpty ? null : l.Rules.Select(r => new RuleDto
        {
            Id = r.Id,
            Score = r.ScoreAttribute is null ? r.Score.ToString() : null,
            ScoreAttribute = r.ScoreAttribute,
            BooleanOp = Parse.Wire(r.BooleanOp),
            Expressions = r.Expressions.Select(x => new ExpressionDto
            {
                Id = x.Id,
                Attribute = x.Attribute,
                Operation = Parse.Wire(x.Operation).Replace('-', '_'),
                Value = x.Value,
                Type = x.Type is { } t ? Parse.Wire(t) : null,
            }).ToList(),
        }).ToList(),
        Role = l.Role?.ToString(),
        Lifetime = l.Lifetime,
    };

    public static ColocationConstraint ToModel(this ColocationDto dto, string? routeId)
    {
        var e = new FieldErrors();
        var id = Ids.Resolve(e, dto.Id, routeId);
        var resource = Parse.Required(e, "resource", dto.Resource);
        var with = Parse.Required(e, "withResource", dto.WithResource);
        var score = Parse.Score(e, "score", dto.Score ?? "INFINITY", required: true);
        var role = Parse.Role(e, "resourceRole", dto.ResourceRole);
        var withRole = Parse.Role(e, "withResourceRole", dto.WithResourceRole);
        e.ThrowIfAny();
        return new ColocationConstraint(id, resource, with, score!.Value, role, withRole);
    }

    public static ColocationDto ToDto(this ColocationConstraint c) => new()
    {
        Id = c.Id, Resource = c.Resource, WithResource = c.WithResource, Score = c.Score.ToString(),
        ResourceRole = c.ResourceRole?.ToString(), WithResourceRole = c.WithResourceRole?.ToString(),
    };

    public static OrderConstraint ToModel(this OrderDto dto, string? routeId)
    {
        var e = new FieldErrors();
        var id = Ids.Resolve(e, dto.Id, routeId);
        var first = Parse.Required(e, "first", dto.First);
        var then = Parse.Required(e, "then", dto.Then);
        var kind = Parse.Enum(e, "kind", dto.Kind, OrderKind.Mandatory);
        var firstAction = Parse.Enum(e, "firstAction", dto.FirstAction, ResourceAction.Start);
        var thenAction = Parse.Enum(e, "thenAction", dto.ThenAction, ResourceAction.Start);
        e.ThrowIfAny();
        // Pacemaker: Serialize constraints are never symmetrical.
        return new OrderConstraint(id, first, then, kind, dto.Symmetrical ?? kind != OrderKind.Serialize, firstAction, thenAction);
    }

    public static OrderDto ToDto(this OrderConstraint o) => new()
    {
        Id = o.Id, First = o.First, Then = o.Then, Kind = o.Kind.ToString(), Symmetrical = o.Symmetrical,
        FirstAction = Parse.Wire(o.FirstAction), ThenAction = Parse.Wire(o.ThenAction),
    };
}
