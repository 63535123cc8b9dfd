import { type Navigate, useRoute, linkProps } from '../route.ts';
import { ComparePage } from './ComparePage.tsx';
import { IncidentPage, IncidentsPage } from './Incidents.tsx';
import { FindingsPage } from '../findings/FindingsPage.tsx';
import { TraceList } from './TraceList.tsx';
import { TraceView } from './trace/TraceView.tsx';
import { usePageTitle } from './usePageTitle.ts';

export function App(): React.JSX.Element {
  const [state, navigate] = useRoute();
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" {...linkProps({ page: 'traces', filters: {} }, navigate)}>
          Causeway
        </a>
        <nav>
          <a data-testid="nav-traces" className={state.page === 'traces' || state.page === 'trace' ? 'active' : ''} {...linkProps({ page: 'traces', filters: {} }, navigate)}>
            Traces
          </a>
          <a data-testid="nav-incidents" className={state.page === 'incidents' || state.page === 'incident' ? 'active' : ''} {...linkProps({ page: 'incidents' }, navigate)}>
            Incidents
          </a>
          <a data-testid="nav-findings" className={state.page === 'findings' ? 'active' : ''} {...linkProps({ page: 'findings', filters: {} }, navigate)}>
            Findings
          </a>
        </nav>
      </header>
      <main>
        {state.page === 'traces' ? <TraceList filters={state.filters} navigate={navigate} /> : null}
        {state.page === 'trace' ? <TraceView key={state.traceId} state={state} navigate={navigate} /> : null}
        {state.page === 'incidents' ? <IncidentsPage navigate={navigate} /> : null}
        {state.page === 'findings' ? <FindingsPage filters={state.filters} navigate={navigate} /> : null}
        {state.page === 'incident' ? <IncidentPage id={state.incidentId} navigate={navigate} /> : null}
        {state.page === 'compare' ? <ComparePage a={state.a} b={state.b} navigate={navigate} /> : null}
        {state.page === 'not-found' ? <NotFound path={state.path} navigate={navigate} /> : null}
      </main>
    </div>
  );
}

function NotFound({ path, navigate }: { path: string; navigate: Navigate }): React.JSX.Element {
  usePageTitle('Not found');
  return (
    <div className="empty" data-testid="not-found">
      Nothing here: <code>{path}</code>. <a {...linkProps({ page: 'traces', filters: {} }, navigate)}>Back to the traces</a>
    </div>
  );
}
