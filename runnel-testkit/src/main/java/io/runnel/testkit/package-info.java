/** Helpers for the modules' tests: {@link io.runnel.testkit.ManualTime}, the clock tests move by hand. */
package io.runnel.testkit;
