using HaApi.Engine.Controller;
using HaApi.Engine.Execution;

namespace HaApi.Engine.Tests.Controller;

public sealed class OperationReportsTests
{
    [Fact]
    public void Every_executor_status_survives_the_trip_through_pacemakers_op_status_numbers()
    {
        foreach (var status in Enum.GetValues<ExecutionStatus>())
            Assert.Equal(status, OperationReports.ExecutionStatusOf(OperationReports.OpStatusOf(status)));
        Assert.Equal(2, OperationReports.OpStatusOf(ExecutionStatus.TimedOut));
        Assert.Equal(ExecutionStatus.Error, OperationReports.ExecutionStatusOf(42));
    }
}
