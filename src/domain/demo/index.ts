// The demo company generator (pure). See generate-demo-data.ts and docs/demo.md.
export {
  generateDemoData,
  validateDemoOptions,
  demoRecordCount,
  demoDatasetKey,
  DEMO_DEFAULTS,
  DEMO_LIMITS,
  type DemoDataset,
  type DemoOptions,
  type DemoRecords,
  type DemoTruth,
} from './generate-demo-data';
