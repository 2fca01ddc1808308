using HaApi.Engine.Model;

namespace HaApi.Engine.Tests.Model;

public sealed class StringPoolTests
{
    [Fact]
    public void Equal_values_come_back_as_the_first_instance()
    {
        var pool = new StringPool();
        var first = new string("monitor".AsSpan());
        var second = new string("monitor".AsSpan());
        Assert.NotSame(first, second);

        Assert.Same(first, pool.Get(first));
        Assert.Same(first, pool.Get(second));
        Assert.Null(pool.Get(null));
    }

    [Fact]
    public void A_full_pool_returns_new_values_unpooled_and_keeps_the_ones_it_has()
    {
        var pool = new StringPool(capacity: 1);
        var kept = pool.Get(new string("start".AsSpan()));
        var extra = new string("stop".AsSpan());

        Assert.Same(extra, pool.Get(extra));
        Assert.NotSame(extra, pool.Get(new string("stop".AsSpan())));
        Assert.Same(kept, pool.Get(new string("start".AsSpan())));
    }
}
