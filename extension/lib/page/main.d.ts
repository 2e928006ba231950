import '../../style/index.css';
import '../../style/page.css';
