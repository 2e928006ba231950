/**
 * GPUs are read from nvidia-smi's CSV answer. These machines have no GPU: the answer is replayed
 * by a script printing a recorded-format answer (test/fixtures/nvidia-smi), the agent's parser
 * and query run for real on it, and without the tool GPU sampling switches itself off cleanly.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { GpuQuery, parseGpuQuery, sampleValues } from 'lablog/system';


const FIXTURES = fileURLToPath(new URL('../../fixtures/nvidia-smi/', import.meta.url));
const EMPTY_HOST = { cpu: null, memory: null, net: null, disk: null, fs: null };

test('the recorded answer parses into one reading per GPU; fields a card does not report are null', async () => {
  const gpus = parseGpuQuery(await readFile(`${FIXTURES}query-gpu.csv`, 'utf8'));
  assert.equal(gpus.length, 3);
  assert.deepEqual(gpus[0], { index: 0, utilizationPercent: 87, memoryUsedMiB: 31245, memoryTotalMiB: 40960, powerWatts: 245.31, powerLimitWatts: 400, temperatureCelsius: 64 });
  assert.equal(gpus[2]!.utilizationPercent, null);
  assert.equal(gpus[2]!.powerWatts, null);
  assert.equal(gpus[2]!.temperatureCelsius, 38);
  assert.deepEqual(parseGpuQuery('No devices were found\n'), []);
});

test("readings become MLflow's GPU metric names (and temperature); missing fields make no metric", async () => {
  const gpus = await new GpuQuery(`${FIXTURES}nvidia-smi`).read();
  const v = sampleValues({ time: 0, host: EMPTY_HOST, kernelTicks: new Map(), netStart: null }, 10_000, EMPTY_HOST, null, gpus);
  assert.equal(v['system/gpu_0_utilization_percentage'], 87);
  assert.equal(v['system/gpu_0_memory_usage_megabytes'], 32762.8); // 31245 MiB in MLflow's decimal megabytes
  assert.equal(v['system/gpu_0_memory_usage_percentage'], 76.3);
  assert.equal(v['system/gpu_0_power_usage_watts'], 245.3);
  assert.equal(v['system/gpu_0_power_usage_percentage'], 61.3);
  assert.equal(v['system/gpu_0_temperature_celsius'], 64);
  assert.equal(v['system/gpu_1_utilization_percentage'], 3);
  assert.equal(v['system/gpu_2_utilization_percentage'], undefined);
  assert.equal(v['system/gpu_2_power_usage_watts'], undefined);
  assert.equal(v['system/gpu_2_memory_usage_megabytes'], 536.9);
});

test('without nvidia-smi there are no GPU readings, and the tool is not asked again', async () => {
  const q = new GpuQuery('/nonexistent/nvidia-smi');
  assert.deepEqual(await q.read(), []);
  assert.equal(q.enabled, false);
  assert.deepEqual(await q.read(), []);
});
