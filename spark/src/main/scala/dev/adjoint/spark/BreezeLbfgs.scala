package dev.adjoint.spark

import breeze.linalg.DenseVector
import breeze.optimize.{CachedDiffFunction, DiffFunction, LBFGS}
import java.util.function.ToDoubleBiFunction
import scala.jdk.CollectionConverters._

/**
 * The one piece of Scala in adjoint-spark: breeze's `DiffFunction` cannot be implemented from Java
 * (it inherits `apply(T): Double` and Function1's `apply(T1): R`, one method with two return types
 * for javac). Not a user API: [[Lbfgs]] is.
 *
 * Runs breeze's L-BFGS exactly as Spark MLlib's `LogisticRegression` does (`new LBFGS(maxIter, m,
 * tol)` over a `CachedDiffFunction`), on an objective that returns f(x) and writes ∇f(x) into its
 * second argument, and hands each state to Java as a [[BreezeLbfgs.Step]].
 */
object BreezeLbfgs {

  /** One L-BFGS state: iteration 0 is the start; `converged` is breeze's reason, or null. */
  final class Step(val iteration: Int, val x: Array[Double], val value: Double,
                   val gradient: Array[Double], val converged: String)

  def iterations(objective: ToDoubleBiFunction[Array[Double], Array[Double]], start: Array[Double],
                 maxIterations: Int, memory: Int, tolerance: Double): java.util.Iterator[Step] = {
    val function = new DiffFunction[DenseVector[Double]] {
      override def calculate(x: DenseVector[Double]): (Double, DenseVector[Double]) = {
        val gradient = new Array[Double](x.length)
        val value = objective.applyAsDouble(x.toArray, gradient)
        (value, DenseVector(gradient))
      }
    }
    val lbfgs = new LBFGS[DenseVector[Double]](maxIterations, memory, tolerance)
    lbfgs.iterations(new CachedDiffFunction(function), DenseVector(start.clone()))
      .map(s => new Step(s.iter, s.x.toArray, s.value, s.grad.toArray,
        s.convergenceReason.map(_.reason).orNull))
      .asJava
  }
}
