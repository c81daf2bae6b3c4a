using AlgoPerfSharp.Contracts;
using System.Text.Json;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Trial.Workers;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>The parent's checks on every eval row and trial end, whoever sends them: a bad one is refused and nothing is written.</summary>
public sealed class StoreRecorderTests : ScratchFolder
{
    private static StoredEval Row(long step, double sub, double total = 100, double ev = 1, double log = 1, double metric = 0.5) =>
        new(step, sub, ev, log, total, new Dictionary<string, double> { ["validation/loss"] = metric }, new Dictionary<string, double>());

    private (ResultsStore Store, long Id, StoreRecorder Recorder) Started(long? maxSteps = 50)
    {
        var store = ResultsStore.Open(P("r.db"));
        var run = store.CreateRun("r", "test", 1, "{}");
        var spec = new TrialSpec("tiny_regression", "adamw", TuningRuleset.SelfTuning, 0, 0, new Hyperparameters(new Dictionary<string, object>()), 1, 2, 3, 1.5);
        long id = store.EnsureTrial(run.Id, spec).Id;
        var recorder = new StoreRecorder(store, id, maxSteps);
        Assert.False(recorder.Start());
        Assert.Null(recorder.Rewind(0));
        recorder.Append(Row(10, 2.0));
        return (store, id, recorder);
    }

    public static TheoryData<StoredEval, string> BadRows => new()
    {
        { Row(10, 3.0), "eval row at step 10 is not after the previous row's step 10" },
        { Row(5, 3.0), "eval row at step 5 is not after the previous row's step 10" },
        { Row(60, 3.0), "eval row at step 60 is above the step cap of 50" },
        { Row(20, 1.5), "eval row at step 20: submission seconds went back from 2 to 1.5" },
        { Row(20, double.NaN), "eval row at step 20: submission seconds are NaN (must be finite and ≥ 0)" },
        { Row(20, 3.0, ev: -1), "eval row at step 20: eval seconds are -1 (must be finite and ≥ 0)" },
        { Row(20, 3.0, log: 0.5), "eval row at step 20: logging seconds went back from 1 to 0.5" },
        { Row(20, 3.0, total: 99), "eval row at step 20: total seconds went back from 100 to 99" },
        { Row(20, 300.0, total: 200), "eval row at step 20: total seconds 200 are below the submission seconds 300" },
        { Row(20, 3.0, metric: double.PositiveInfinity), "eval row at step 20: metric validation/loss is Infinity (only finite values or NaN are recorded)" },
        { new StoredEval(20, 3, 1, 1, 100, new Dictionary<string, double> { ["score"] = 1 }, new Dictionary<string, double>()), "eval row at step 20: metric 'score' is not a train/, validation/ or test/ metric" },
    };

    [Fact]
    public void ARowRoundTripsFromAWorkerLineThroughTheRecorderToTheStore()
    {
        var (store, id, recorder) = Started();
        using (store)
        {
            // as WorkerChannel sends a row and WorkerExecutor reads it back
            var sent = Row(20, 3.25, total: 104.5, ev: 1.5, log: 1.125, metric: 0.375);
            string line = WorkerMessages.Eval + JsonSerializer.Serialize(sent, WorkerMessages.Json);
            var received = JsonSerializer.Deserialize<StoredEval>(line.AsSpan(WorkerMessages.Eval.Length), WorkerMessages.Json)!;
            recorder.Append(received);
            var row = store.Evals(id)[^1];
            Assert.Equal((20L, 3.25, 1.5, 1.125, 104.5), (row.Step, row.SubmissionSeconds, row.EvalSeconds, row.LoggingSeconds, row.TotalSeconds));
            Assert.Equal(0.375, row.Metrics["validation/loss"]);
        }
    }

    [Theory]
    [MemberData(nameof(BadRows))]
    public void ABadRowIsRefusedWithOneLineAndNothingIsWritten(StoredEval row, string error)
    {
        var (store, id, recorder) = Started();
        using (store)
        {
            var e = Assert.Throws<TrialRecordException>(() => recorder.Append(row));
            Assert.Equal(error, e.Message);
            Assert.Equal([10L], store.Evals(id).Select(r => r.Step));
            recorder.Append(Row(20, 3.0, metric: double.NaN)); // a NaN metric (diverged eval) is a valid row
            Assert.Equal([10L, 20L], store.Evals(id).Select(r => r.Step));
        }
    }

    [Fact]
    public void TheEndMustNotContradictTheRowsAndComesOnce()
    {
        var (store, id, recorder) = Started();
        using (store)
        {
            Assert.Equal("trial end after 9 steps, before its last eval row at step 10",
                Assert.Throws<TrialRecordException>(() => recorder.Finish(new TrialEnd(TrialState.Completed, null, 9, 2.5, 0.1))).Message);
            Assert.Equal("trial end: submission seconds went back from 2 to 1",
                Assert.Throws<TrialRecordException>(() => recorder.Finish(new TrialEnd(TrialState.Completed, null, 12, 1, 0.1))).Message);
            Assert.Equal("trial end with state Running, which is not an end",
                Assert.Throws<TrialRecordException>(() => recorder.Finish(new TrialEnd(TrialState.Running, null, 12, 3, 0.1))).Message);
            Assert.Equal(TrialState.Running, store.Trials(1).Single(t => t.Id == id).State);

            recorder.Finish(new TrialEnd(TrialState.Completed, null, 12, 2.5, 0.1));
            Assert.Equal(TrialState.Completed, store.Trials(1).Single(t => t.Id == id).State);
            Assert.Throws<TrialRecordException>(() => recorder.Finish(new TrialEnd(TrialState.Failed, "again", 12, 2.5, 0.1)));
            Assert.Throws<TrialRecordException>(() => recorder.Append(Row(20, 3.0)));
            Assert.Equal(TrialState.Completed, store.Trials(1).Single(t => t.Id == id).State);
        }
    }

    [Fact]
    public void RowsComeOnlyAfterOneRewindWhichDropsLaterRows()
    {
        var (store, id, recorder) = Started();
        using (store)
        {
            recorder.Append(Row(20, 3.0));
            Assert.Throws<TrialRecordException>(() => recorder.Rewind(10)); // only once, before any row

            var again = new StoreRecorder(store, id, 50);
            Assert.True(again.Start()); // a resume
            Assert.Throws<TrialRecordException>(() => again.Append(Row(30, 4.0)));
            Assert.Equal("trial record: cannot continue after step -1 (< 0)", Assert.Throws<TrialRecordException>(() => again.Rewind(-1)).Message);
            Assert.Equal(10, again.Rewind(15)!.Step);
            Assert.Equal([10L], store.Evals(id).Select(r => r.Step));
            Assert.Throws<TrialRecordException>(() => again.Append(Row(20, 1.0))); // continues from the kept row's times
            again.Append(Row(20, 3.0));
        }
    }
}
