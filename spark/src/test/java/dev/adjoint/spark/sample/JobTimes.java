package dev.adjoint.spark.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;

/**
 * Times Spark jobs by the call site of their stages ("treeAggregate at RDDLossFunction.scala:61",
 * MLlib's gradient job): how the sample measures MLlib's time per gradient, which MLlib does not
 * report. Spark delivers listener events asynchronously; {@link #settle} waits for them.
 */
final class JobTimes extends SparkListener {

    private record Started(long time, String stages) {}

    private final Map<Integer, Started> running = new ConcurrentHashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<Double> seconds = new ArrayList<>();
    private volatile int started;
    private volatile int ended;

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        StringBuilder stages = new StringBuilder();
        scala.collection.Iterator<StageInfo> infos = start.stageInfos().iterator();
        while (infos.hasNext()) {
            stages.append(infos.next().name()).append(';');
        }
        running.put(start.jobId(), new Started(start.time(), stages.toString()));
        started++;
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        Started start = running.remove(end.jobId());
        if (start != null) {
            names.add(start.stages());
            seconds.add((end.time() - start.time()) / 1e3);
        }
        ended++;
    }

    /** Waits (up to 10 s) until every job started so far has been seen to end. */
    void settle() throws InterruptedException {
        for (int i = 0; i < 1000 && ended < started; i++) {
            Thread.sleep(10);
        }
    }

    /** The durations, in seconds and in order, of the finished jobs whose stages mention {@code callSite}. */
    synchronized List<Double> of(String callSite) {
        List<Double> matching = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).contains(callSite)) {
                matching.add(seconds.get(i));
            }
        }
        return matching;
    }

    /** Forgets the jobs seen so far. */
    synchronized void clear() {
        names.clear();
        seconds.clear();
    }
}
